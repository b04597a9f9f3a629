"""Flags made directly (the record and import functions are another part's), and the
children the register's tests need."""

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from cshub.conftest import TODAY
from cshub.people.models import Person
from cshub.register.models import AreaFlag

_origin = itertools.count(1)


def flag(
    person: Person,
    concern: str = "OTHER",
    *,
    source: str = "SCHOOL",
    flagged_on: dt.date | None = None,
    ended_on: dt.date | None = None,
    holder: str = "SCHOOL",
    holder_team: str = "",
    recorded_at: dt.datetime | None = None,
    **extra: Any,
) -> AreaFlag:
    return AreaFlag.objects.create(
        person=person,
        source=source,
        concern=concern,
        flagged_on=flagged_on or TODAY - dt.timedelta(days=10),
        ended_on=ended_on,
        holder=holder,
        holder_team=holder_team,
        origin=f"test:{next(_origin)}",
        recorded_at=recorded_at or timezone.now(),
        **extra,
    )


def born(years: float) -> dt.date:
    return TODAY - dt.timedelta(days=int(years * 365.25))
