"""What the hub's practice standards flag about the work with one child."""

import datetime as dt

from django.utils import timezone

from cshub.casework import due
from cshub.casework.models import Episode
from cshub.contact.models import Contact, ContactKind, TeamMember, TransitionPlan, VoiceEntry
from cshub.core.dates import format_date
from cshub.core.limits import without_long_text
from cshub.people.models import Person

TRANSITION_AGE = 17


def practice_flags(
    person: Person, episode: Episode | None, today: dt.date | None = None, rules: due.Standards | None = None
) -> list[str]:
    """By `rules`, the practice standards in force today (read here if not given)."""
    today = today or timezone.localdate()
    flags: list[str] = []
    if episode is None:
        return flags
    rules = due.in_force(today) if rules is None else rules
    voice = VoiceEntry.objects.filter(person=person).first()
    voice_days = rules["VOICE"]
    if voice is None or (today - voice.gathered_on).days > voice_days:
        flags.append(
            f"No entry in {person.forename}'s own words in the last {voice_days} days"
            + (f" (last: {format_date(voice.gathered_on)})" if voice else "")
        )
    visit = Contact.objects.filter(episode=episode, seen=True).first()
    visit_days = rules["VISIT"]
    if visit is None or (today - visit.on).days > visit_days:
        flags.append(f"{person.forename} has not been seen in the last {visit_days} days")
    active = TeamMember.objects.filter(episode=episode).active_on(today)
    limit = due.standard("TEAM_SIZE", today)  # a setting, not a versioned standard: no query
    count = active.count()
    if count > limit:
        flags.append(
            f"{count} professionals are involved (the hub's threshold is {limit}): too many workers "
            "can itself harm a child. Agree who steps back."
        )
    # The episode holds the lead professional (named at allocation or as a team member's lead).
    if count and not episode.lead_professional:
        flags.append("No lead professional is named")
    age = person.age(today)
    if (
        age is not None
        and age >= TRANSITION_AGE
        and not TransitionPlan.objects.filter(person=person).exists()
    ):
        flags.append(
            f"{person.forename} is {age}: write a transition plan (adult social care, housing, health)"
        )
    return flags


def last_seen(episode: Episode) -> Contact | None:
    """The last visit in which the child was seen (its date and kind: no notes are read)."""
    return without_long_text(
        Contact.objects.filter(episode=episode, seen=True, kind__in=ContactKind.values)
    ).first()
