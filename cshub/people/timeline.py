"""add_entry(): how every room writes to a child's timeline (inside its own transaction)."""

import datetime as dt

from django.db import models
from django.utils import timezone

from cshub.access.models import User
from cshub.people.models import Person, TimelineEntry, TimelineKind


def start_of_day(day: dt.date) -> dt.datetime:
    """Where a date-only entry sorts: the start of its day in London, before the day's
    timed entries (an event known by its date only may have been at 2 a.m.)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(0)))


def add_entry(
    person: Person,
    kind: TimelineKind,
    summary: str,
    *,
    actor: User | None,
    occurred_at: dt.datetime | dt.date | None = None,
    source: models.Model | None = None,
    link: str = "",
) -> TimelineEntry:
    date_only = occurred_at is not None and not isinstance(occurred_at, dt.datetime)
    if isinstance(occurred_at, dt.date) and not isinstance(occurred_at, dt.datetime):
        occurred_at = start_of_day(occurred_at)
    return TimelineEntry.objects.create(
        person=person,
        kind=kind,
        date_only=date_only,
        summary=summary,
        occurred_at=occurred_at or timezone.now(),
        source_type=source._meta.label_lower if source is not None else "",
        source_id=str(source.pk) if source is not None else "",
        link=link,
        recorded_by=actor,
    )
