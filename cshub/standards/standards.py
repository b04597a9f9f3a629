"""The one place that answers "what is the standard on this day?" (docs/practice-standards.md).

- `standard(code, on=None)`: the days of one standard in force on a day (today by default).
- `in_force(on=None)`: every standard in force on a day, in one query (a page that needs
  several, or a loop, asks once).
- `days_in_force(code, day)`: the same as a database expression, for figures and due lists
  computed in SQL: `day` is an expression (`F("open_date")`, `OuterRef(...)`) or a date.

- `fingerprint()`: a digest of every version and the settings before them, for a key of
  figures kept (`assurance.cached`): a figure may use the standard of any day.

`casework.due.standard(name, on)` is the old name of `standard(name, on)`, and gives the
non-standard settings (TEAM_SIZE) too."""

import datetime as dt
import hashlib
from typing import Any

from django.conf import settings
from django.db.models import Expression, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from cshub.core.dates import local_today
from cshub.standards.models import PracticeStandard, StandardCode

CODES: list[str] = list(StandardCode.values)


def default(code: str) -> int:
    """The setting that is the standard before its first version (and for a non-standard
    name in CSHUB_STANDARDS, such as TEAM_SIZE, always)."""
    if code == StandardCode.SUMMARY:
        return int(settings.CSHUB_SUMMARY_MAX_AGE_DAYS)
    return int(settings.CSHUB_STANDARDS[code])


def in_force(on: dt.date | None = None) -> dict[str, int]:
    """Every standard's days in force on `on` (today by default): one query."""
    day = on or local_today()
    found: dict[str, int] = {}
    for code, days in PracticeStandard.objects.in_force_on(day).values_list("code", "days"):
        found.setdefault(code, days)
    return {code: found.get(code, default(code)) for code in CODES}


def standard(code: str, on: dt.date | None = None) -> int:
    """The days of one standard in force on `on` (today by default)."""
    if code not in CODES:
        return default(code)
    day = on or local_today()
    days = PracticeStandard.objects.filter(code=code).in_force_on(day).values_list("days", flat=True).first()
    return default(code) if days is None else int(days)


def days_in_force(code: str, day: "Expression | OuterRef | dt.date | Any") -> Coalesce:
    """A database expression: the days of `code` in force on `day` (an expression of the
    outer row, or a date), the setting before the first version."""
    newest = PracticeStandard.objects.filter(code=code).in_force_on(day).values("days")[:1]
    return Coalesce(Subquery(newest, output_field=IntegerField()), Value(default(code)))


def fingerprint() -> str:
    """A digest of every version of every standard and of the settings before them (one
    query): it changes whenever any figure's standard on any day could."""
    digest = hashlib.sha256()
    digest.update(repr([(code, default(code)) for code in CODES]).encode())
    rows = PracticeStandard.objects.order_by("code", "version").values_list(
        "code", "version", "days", "effective_from"
    )
    digest.update(repr(list(rows)).encode())
    return digest.hexdigest()[:16]
