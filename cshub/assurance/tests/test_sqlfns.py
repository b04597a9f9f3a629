"""The metrics' native date SQL gives the answers Python's zoneinfo and datetime give, on
SQLite and PostgreSQL alike."""

import datetime as dt

import pytest
from django.conf import settings
from django.db.models import DateField, DateTimeField, IntegerField, Value

from cshub.assurance.metrics.sqlfns import (
    AddDays,
    AddHours,
    DaysBetween,
    LondonDate,
    LondonMidnight,
    day,
    median,
    month,
    year,
)
from cshub.conftest import make_child
from cshub.core.dates import LONDON
from cshub.people.models import Person
from cshub.standards.models import PracticeStandard
from cshub.standards.standards import days_in_force

# The nights the clocks changed, and midsummer and midwinter days.
DAYS = [
    dt.date(2024, 3, 30),
    dt.date(2024, 3, 31),
    dt.date(2024, 4, 1),
    dt.date(2024, 6, 21),
    dt.date(2024, 10, 26),
    dt.date(2024, 10, 27),
    dt.date(2024, 10, 28),
    dt.date(2024, 12, 31),
    dt.date(2025, 1, 1),
    dt.date(2025, 3, 30),
    dt.date(2025, 3, 31),
    dt.date(2025, 10, 26),
]


def _one(person, expression):
    return Person.objects.filter(pk=person.pk).annotate(x=expression).values_list("x", flat=True).get()


def test_london_midnight_is_zoneinfo_midnight_across_clock_changes(personas):
    person = make_child(personas["team_manager"])
    for d in DAYS:
        for shift in (-90, -1, 0, 1):
            got = _one(person, LondonMidnight(Value(d, DateField()), shift, years=(2023, 2025)))
            want = dt.datetime.combine(d + dt.timedelta(days=shift), dt.time(), tzinfo=LONDON)
            assert got == want, (d, shift)


def test_add_hours_is_elapsed_time_to_the_microsecond(personas):
    person = make_child(personas["team_manager"])
    for start in (
        dt.datetime(2024, 10, 25, 23, 30, 0, 250000, tzinfo=dt.UTC),  # over the clocks going back
        dt.datetime(2025, 3, 29, 1, 0, tzinfo=dt.UTC),  # over the clocks going forward
    ):
        got = _one(person, AddHours(Value(start, DateTimeField()), 72))
        assert got == start + dt.timedelta(hours=72)


@pytest.mark.parametrize("d", [dt.date(2024, 2, 29), dt.date(2025, 12, 31), dt.date(2008, 1, 1)])
def test_date_parts_and_days(personas, d):
    person = make_child(personas["team_manager"])
    date = Value(d, DateField())
    assert (_one(person, year(date)), _one(person, month(date)), _one(person, day(date))) == (
        d.year,
        d.month,
        d.day,
    )
    for days in (-90, 28, 182):
        assert _one(person, AddDays(date, days)) == d + dt.timedelta(days=days)
        assert _one(person, AddDays(date, Value(days, IntegerField()))) == d + dt.timedelta(days=days)


def test_add_days_of_a_practice_standard_in_force_on_the_day(personas):
    """The days may be an expression of the row: the standard in force on one of its dates."""
    person = make_child(personas["team_manager"])
    opened = dt.date(2025, 6, 2)
    PracticeStandard.objects.create(
        code="ASSESSMENT_FIRST",
        version=1,
        days=20,
        effective_from=opened,
        reason="r",
        set_by=personas["team_manager"],
    )
    PracticeStandard.objects.create(
        code="ASSESSMENT_FIRST",
        version=2,
        days=35,
        effective_from=opened + dt.timedelta(days=1),
        reason="r",
        set_by=personas["team_manager"],
    )
    date = Value(opened, DateField())
    assert _one(person, AddDays(date, days_in_force("ASSESSMENT_FIRST", date))) == dt.date(2025, 6, 22)
    before = Value(opened - dt.timedelta(days=1), DateField())
    default = settings.CSHUB_STANDARDS["ASSESSMENT_FIRST"]
    assert _one(person, AddDays(before, days_in_force("ASSESSMENT_FIRST", before))) == dt.date(
        2025, 6, 1
    ) + dt.timedelta(days=default)


def test_london_date_of_an_instant_is_zoneinfos_across_clock_changes(personas):
    person = make_child(personas["team_manager"])
    for d in DAYS:
        start = dt.datetime.combine(d, dt.time(), tzinfo=dt.UTC) - dt.timedelta(hours=2)
        for half_hours in range(56):
            instant = start + dt.timedelta(minutes=30 * half_hours, microseconds=1)
            got = _one(person, LondonDate(Value(instant, DateTimeField()), years=(2023, 2025)))
            assert got == instant.astimezone(LONDON).date(), instant


def test_days_between_two_dates_and_the_median_of_a_column(personas):
    person = make_child(personas["team_manager"])
    a, b = Value(dt.date(2024, 3, 31), DateField()), Value(dt.date(2024, 2, 28), DateField())
    assert _one(person, DaysBetween(a, b)) == 32
    assert _one(person, DaysBetween(b, a)) == -32
    for born in (dt.date(2010, 1, 1), dt.date(2010, 1, 4), dt.date(2010, 1, 2)):
        make_child(personas["team_manager"], "Sam", f"Born{born.day}", born=born)
    days = Person.objects.exclude(pk=person.pk).annotate(
        n=DaysBetween("date_of_birth", Value(dt.date(2010, 1, 1), DateField()))
    )
    assert median(days, "n") == 1.0  # 0, 1, 3
    make_child(personas["team_manager"], "Sam", "Born10", born=dt.date(2010, 1, 11))
    assert median(days, "n") == 2.0  # 0, 1, 3, 10: the mean of the middle two
    assert median(days.filter(pk=0), "n") is None
