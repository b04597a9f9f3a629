"""add_entry(): how every room writes to a child's timeline (inside its own transaction)."""

import datetime as dt

from django.db import models
from django.utils import timezone

from cshub.access.models import User
from cshub.people.models import Person, TimelineEntry, TimelineKind


def midday(when: dt.datetime | dt.date) -> dt.datetime:
    """A date-only event sorts at local midday, so it shows on the right day in London."""
    if isinstance(when, dt.datetime):
        return when
    return timezone.make_aware(dt.datetime.combine(when, dt.time(12)))


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
    if occurred_at is not None:
        occurred_at = midday(occurred_at)
    return TimelineEntry.objects.create(
        person=person,
        kind=kind,
        summary=summary,
        occurred_at=occurred_at or timezone.now(),
        source_type=source._meta.label_lower if source is not None else "",
        source_id=str(source.pk) if source is not None else "",
        link=link,
        recorded_by=actor,
    )
