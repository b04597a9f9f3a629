"""Whether a child is looked after, and whether their missing-from-care profile is due a
review: every CSHUB_PHILOMENA_REVIEW_DAYS days, and after each missing episode."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from cshub.core.dates import format_date
from cshub.missing.models import MissingEpisode
from cshub.people.models import Person
from cshub.philomena.models import Profile
from cshub.socialcare.models import ClaEpisode


@dataclass(frozen=True)
class Status:
    profile: Profile | None
    looked_after: bool
    why_looked_after: str  # what says so, for the page ("" when nothing does)
    due_on: dt.date | None  # the next review, by the cadence or after a missing episode
    missing_since: MissingEpisode | None  # the first episode reported after the last review
    out_of_date: bool

    @property
    def prompt(self) -> bool:
        """The child's page and the missing episode page ask for a profile or its review."""
        return self.looked_after and (self.profile is None or self.out_of_date)


def latest(person: Person) -> Profile | None:
    return (
        Profile.objects.filter(person=person)
        .select_related("written_by", "photo")
        .order_by("-version")
        .first()
    )


def looked_after(person: Person, profile: Profile | None, today: dt.date) -> tuple[bool, str]:
    """What says the child is in care: the council's record (an episode of care covering
    today), their last missing episode (recorded as missing from care), or the worker on the
    profile. The council's record and the missing episode win over the profile."""
    cla = (
        ClaEpisode.objects.filter(person=person)
        .filter(Q(start_date__isnull=True) | Q(start_date__lte=today))
        .filter(Q(ceased_date__isnull=True) | Q(ceased_date__gte=today))
        .order_by("-start_date", "-pk")
        .first()
    )
    if cla is not None:
        since = cla.entered_care_date or cla.start_date
        return (
            True,
            f"The council's record says looked after{f' since {format_date(since)}' if since else ''}.",
        )
    last = MissingEpisode.objects.filter(person=person).order_by("-reported_at", "-pk").first()
    if last is not None and last.from_care:
        return (
            True,
            f"Last reported missing from care on {format_date(timezone.localtime(last.reported_at).date())}.",
        )
    if profile is not None and profile.in_care:
        return True, "Marked as looked after on the profile."
    return False, ""


def status(person: Person, today: dt.date | None = None) -> Status:
    today = today or timezone.localdate()
    profile = latest(person)
    in_care, why = looked_after(person, profile, today)
    if profile is None:
        return Status(None, in_care, why, None, None, False)
    reviewed = profile.written_at
    due_on = timezone.localtime(reviewed).date() + dt.timedelta(days=settings.CSHUB_PHILOMENA_REVIEW_DAYS)
    since = (
        MissingEpisode.objects.filter(person=person, reported_at__gt=reviewed)
        .order_by("reported_at", "pk")
        .first()
    )
    if since is not None:
        # due once the child is back (today while they are still missing)
        back = timezone.localtime(since.returned_at or since.reported_at).date()
        due_on = min(due_on, back)
    return Status(profile, in_care, why, due_on, since, since is not None or today > due_on)
