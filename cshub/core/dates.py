"""Dates and times the GOV.UK way, in Europe/London, and elapsed-time rules.

Stored timestamps are UTC; people see Europe/London. Elapsed time ("within 72 hours")
is absolute: a clock change inside the interval neither adds nor removes an hour.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

LONDON = ZoneInfo("Europe/London")


def london(value: dt.datetime) -> dt.datetime:
    if timezone.is_naive(value):
        raise ValueError("naive datetime: every timestamp in CSHub is time-zone aware")
    return value.astimezone(LONDON)


def local_today() -> dt.date:
    return timezone.now().astimezone(LONDON).date()


def format_date(value: dt.date | dt.datetime | None) -> str:
    """`22 November 2026` (GOV.UK style: no leading zero, full month name)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = london(value).date()
    return f"{value.day} {value:%B %Y}"


def format_time(value: dt.datetime) -> str:
    """`9:30am`, `midday`, `midnight`: GOV.UK style, Europe/London."""
    local = london(value)
    if local.minute == 0 and local.hour in (0, 12):
        return "midnight" if local.hour == 0 else "midday"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    if local.minute:
        return f"{hour}:{local.minute:02d}{suffix}"
    return f"{hour}{suffix}"


def format_datetime(value: dt.datetime | None) -> str:
    """`22 November 2026 at 9:30am`."""
    if value is None:
        return ""
    return f"{format_date(value)} at {format_time(value)}"


def age_on(born: dt.date, on: dt.date) -> int:
    """Completed years on a date. Born on 29 February: a year older on 1 March in other years."""
    years = on.year - born.year
    if (on.month, on.day) < (born.month, born.day):
        years -= 1
    return years


def within_hours(start: dt.datetime, end: dt.datetime, hours: int) -> bool:
    """True when `end - start <= hours`, measured as absolute elapsed time."""
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValueError("naive datetime")
    return end.astimezone(dt.UTC) - start.astimezone(dt.UTC) <= dt.timedelta(hours=hours)


def deadline(start: dt.datetime, hours: int) -> dt.datetime:
    """The instant `hours` of elapsed time after `start` (e.g. the 72-hour return-interview clock)."""
    return start.astimezone(dt.UTC) + dt.timedelta(hours=hours)
