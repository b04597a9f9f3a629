import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cshub.core import dates

UTC = dt.UTC
LONDON = ZoneInfo("Europe/London")


def test_dates_read_the_govuk_way() -> None:
    assert dates.format_date(dt.date(2026, 11, 2)) == "2 November 2026"
    assert dates.format_datetime(dt.datetime(2026, 11, 22, 9, 30, tzinfo=UTC)) == "22 November 2026 at 9:30am"
    assert dates.format_datetime(dt.datetime(2026, 7, 1, 11, 0, tzinfo=UTC)) == "1 July 2026 at midday"  # BST
    assert dates.format_datetime(dt.datetime(2026, 1, 1, 0, 0, tzinfo=UTC)) == "1 January 2026 at midnight"
    assert dates.format_datetime(dt.datetime(2026, 1, 1, 12, 5, tzinfo=UTC)) == "1 January 2026 at 12:05pm"
    assert dates.format_date(None) == ""


def test_a_timestamp_shows_on_its_london_date() -> None:
    # 23:30 UTC on 31 March 2026 is 00:30 BST on 1 April.
    assert dates.format_date(dt.datetime(2026, 3, 31, 23, 30, tzinfo=UTC)) == "1 April 2026"


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        dates.format_datetime(dt.datetime(2026, 1, 1, 9, 0))  # noqa: DTZ001


def test_72_hours_is_elapsed_time_across_the_clock_change() -> None:
    # Clocks go back at 02:00 BST on 25 October 2026: local wall time gains an hour.
    returned = dt.datetime(2026, 10, 24, 10, 0, tzinfo=LONDON)
    deadline = dates.deadline(returned, 72)
    assert deadline.astimezone(LONDON) == dt.datetime(2026, 10, 27, 9, 0, tzinfo=LONDON)
    assert dates.within_hours(returned, deadline, 72)
    assert not dates.within_hours(returned, deadline + dt.timedelta(seconds=1), 72)


def test_age_in_completed_years_and_leap_day_birthdays() -> None:
    born = dt.date(2012, 2, 29)
    assert dates.age_on(born, dt.date(2026, 2, 28)) == 13
    assert dates.age_on(born, dt.date(2026, 3, 1)) == 14
    assert dates.age_on(born, dt.date(2028, 2, 29)) == 16
