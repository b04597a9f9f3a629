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


# -- Plausible ranges --------------------------------------------------------------------------
# One place for what a date may be. A typing slip ("0149", "2206") or a hostile value is refused
# with a clear message in the actions (the one write path), whatever sent it: a page, the API,
# the console. Dates before 2000 would also meet London's pre-1847 local mean time, whose offset
# (-00:01:15) is not valid RFC 3339.

EARLIEST_BIRTH = dt.date(1900, 1, 1)
EARLIEST_EVENT = dt.date(2000, 1, 1)
# Due dates, reviews and expiry may be ahead, but not beyond any plan a hub makes.
LATEST_PLANNED_YEARS = 10


def _day(value: dt.date | dt.datetime) -> dt.date:
    return london(value).date() if isinstance(value, dt.datetime) else value


def plausible_birth(value: dt.date | None, what: str = "date of birth") -> str | None:
    """The problem with a date of birth (from 1900, not in the future), or None."""
    if value is None:
        return None
    if value < EARLIEST_BIRTH:
        return f"The {what} must be on or after {format_date(EARLIEST_BIRTH)}"
    if value > local_today():
        return f"The {what} must be today or in the past"
    return None


def plausible_event(
    value: dt.date | dt.datetime | None,
    what: str,
    *,
    future: bool = False,
    earliest: dt.date = EARLIEST_EVENT,
) -> str | None:
    """The problem with the date (or time) of something that happened (from 2000, not in the
    future) or that is planned (`future=True`: from 2000, up to 10 years ahead), or None."""
    if value is None:
        return None
    if isinstance(value, dt.datetime) and timezone.is_naive(value):
        return f"The {what} needs a time zone"
    day = _day(value)
    if day < earliest:
        return f"The {what} must be on or after {format_date(earliest)}"
    today = local_today()
    if future:
        if day.year > today.year + LATEST_PLANNED_YEARS:
            return f"The {what} must be within {LATEST_PLANNED_YEARS} years from today"
    elif (value > timezone.now()) if isinstance(value, dt.datetime) else (day > today):
        return f"The {what} must be today or in the past"
    return None


def check_dates(errors: dict[str, str], checks: dict[str, str | None]) -> None:
    """Adds each problem found by `plausible_*` to a field-keyed error dict (first one wins)."""
    for field, problem in checks.items():
        if problem and field not in errors:
            errors[field] = problem
