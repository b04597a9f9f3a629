"""Places and people a child goes to, suggested for their profile from what CSHub already
holds: the entries of their return interviews, where and with whom they were found when
missing, and their intelligence links (for a user who may read them). Read-only: the
worker ticks the ones that belong on the profile, and only those are written to it."""

from dataclasses import dataclass

from django.utils import timezone

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.core.dates import format_date
from cshub.intelligence.models import Link, SubjectKind
from cshub.missing.models import EntryKind, InterviewEntry, MissingEpisode, normalise
from cshub.people.models import Person

PLACE, PERSON = "place", "person"


@dataclass(frozen=True)
class Suggestion:
    kind: str  # PLACE or PERSON
    value: str  # the line written to the profile when the worker ticks it
    source: str  # where it comes from, shown next to it

    @property
    def key(self) -> str:
        return normalise(self.value)


def _already(text: str) -> set[str]:
    return {normalise(line) for line in text.splitlines() if line.strip()}


def suggestions(person: Person, user: User, *, places: str = "", people: str = "") -> list[Suggestion]:
    """The suggestions not already on the profile (`places`, `people`: its text now), one
    per place or person, the most recent source first."""
    found: list[Suggestion] = []
    entries = (
        InterviewEntry.objects.filter(person=person, kind__in=[EntryKind.PLACE, EntryKind.PERSON])
        .select_related("interview")
        .order_by("-interview__completed_at", "-pk")
    )
    for entry in entries:
        when = entry.interview.completed_at
        source = f"Return interview{f' of {format_date(timezone.localtime(when).date())}' if when else ''}"
        found.append(Suggestion(PLACE if entry.kind == EntryKind.PLACE else PERSON, entry.value, source))
    episodes = MissingEpisode.objects.filter(person=person).exclude(found_location="", found_with="")
    for episode in episodes.order_by("-reported_at")[:20]:
        day = format_date(timezone.localtime(episode.reported_at).date())
        if episode.found_location:
            found.append(Suggestion(PLACE, episode.found_location, f"Found there when missing on {day}"))
        if episode.found_with:
            found.append(Suggestion(PERSON, episode.found_with, f"Found with them when missing on {day}"))
    if user.has(Perm.VIEW_INTELLIGENCE):
        links = (
            Link.objects.filter(
                child=person,
                subject__confirmed=True,
                subject__kind__in=[SubjectKind.PLACE, SubjectKind.ADULT, SubjectKind.GROUP],
            )
            .select_related("subject")
            .order_by("-recorded_at", "-pk")
        )
        for link in links:
            if not link.content_visible_to(user):
                continue
            subject = link.subject
            kind = PLACE if subject.kind == SubjectKind.PLACE else PERSON
            value = f"{subject.name} ({subject.postcode})" if subject.postcode else subject.name
            found.append(Suggestion(kind, value, f"Intelligence: {link.get_link_type_display().lower()}"))
    on_profile = {PLACE: _already(places), PERSON: _already(people)}
    seen: set[tuple[str, str]] = set()
    kept = []
    for s in found:
        if not s.key or s.key in on_profile[s.kind] or (s.kind, s.key) in seen:
            continue
        seen.add((s.kind, s.key))
        kept.append(s)
    return kept
