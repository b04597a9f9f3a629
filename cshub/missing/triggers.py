"""Evaluating the hub's trigger rules when a missing episode is recorded or changes."""

import datetime as dt

from django.urls import reverse

from cshub.access.models import User
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.core.dates import age_on
from cshub.missing.models import MissingEpisode, MissingFlag, TriggerKind, TriggerRule
from cshub.people.models import TimelineKind
from cshub.people.timeline import add_entry


def _fires(rule: TriggerRule, episode: MissingEpisode) -> str | None:
    """Why this rule brings the child to the panel, or None."""
    person = episode.person
    if rule.kind == TriggerKind.REPEAT and rule.threshold and rule.days:
        since = episode.reported_at - dt.timedelta(days=rule.days)
        n = person.missing_episodes.filter(
            reported_at__gt=since, reported_at__lte=episode.reported_at
        ).count()
        return f"{n} missing episodes in {rule.days} days" if n >= rule.threshold else None
    if rule.kind == TriggerKind.HIGH_RISK:
        return "Police graded the episode high risk" if episode.police_risk == "HIGH" else None
    if rule.kind == TriggerKind.LONG and rule.threshold and episode.returned_at:
        hours = (episode.returned_at - episode.reported_at).total_seconds() / 3600
        return f"Missing for {hours:.0f} hours" if hours > rule.threshold else None
    if rule.kind == TriggerKind.YOUNG and rule.threshold and person.date_of_birth:
        age = age_on(person.date_of_birth, episode.reported_at.date())
        return f"Aged {age} when reported missing" if age < rule.threshold else None
    if rule.kind == TriggerKind.ADULT_OF_CONCERN:
        return "Found with an adult of concern" if episode.found_with_adult_of_concern else None
    return None


def evaluate(episode: MissingEpisode, *, actor: User | None) -> list[MissingFlag]:
    """Raise a flag for each active rule that fires (one open flag per child and rule).
    Call inside the action's transaction."""
    raised = []
    for rule in TriggerRule.objects.filter(active=True):
        reason = _fires(rule, episode)
        if reason is None or MissingFlag.objects.open().filter(person=episode.person, rule=rule).exists():
            continue
        flag = MissingFlag.objects.create(
            person=episode.person, rule=rule, episode=episode, reason=reason, raised_at=episode.reported_at
        )
        record_event(actor, Action.CREATE, flag, child_id=episode.person_id, detail={"rule": rule.kind})
        add_entry(
            episode.person,
            TimelineKind.MISSING_FLAGGED,
            f"Brought to the missing panel: {reason}",
            actor=actor,
            occurred_at=episode.reported_at,
            source=flag,
            link=reverse("missing:panel"),
        )
        raised.append(flag)
    return raised
