"""Date and time arithmetic in each database's own SQL, for the metrics.

Django runs date arithmetic, date parts and time-zone conversion on SQLite as Python
functions that SQLite calls back for every row (`django_format_dtdelta`,
`django_date_extract`, `django_datetime_cast_date`, `django_timestamp_diff`); on
PostgreSQL they are native. These expressions give the same answers in SQLite's own
functions, and in PostgreSQL's. They rely on how Django stores values on SQLite: a date as
`YYYY-MM-DD`, an aware datetime as naive UTC text `YYYY-MM-DD HH:MM:SS[.ffffff]`, so that
text order is time order."""

import datetime as dt
from functools import lru_cache
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import DateField, DateTimeField, Expression, Func, IntegerField
from django.db.models.sql.compiler import SQLCompiler

from cshub.core.dates import LONDON

_Sql = tuple[str, list[Any]]


class AddDays(Func):
    """A date plus a whole number of days (negative: minus), as a date."""

    output_field = DateField()

    def __init__(self, expression: Any, days: int) -> None:
        super().__init__(expression)
        self.days = int(days)

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> _Sql:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, '{self.days:+d} days')", list(params)

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> _Sql:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql})::date + {self.days:d})", list(params)


class AddHours(Func):
    """An instant plus a whole number of hours of elapsed time (UTC: a clock change in
    between neither adds nor removes an hour), to the microsecond."""

    output_field = DateTimeField()

    def __init__(self, expression: Any, hours: int) -> None:
        super().__init__(expression)
        self.hours = int(hours)

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> _Sql:
        # The stored UTC text moved on whole seconds; its fraction of a second (characters
        # 20 on, when there is one) is unchanged by adding hours, so it is carried over.
        sql, params = compiler.compile(self.source_expressions[0])
        shifted = f"strftime('%%Y-%%m-%%d %%H:%%M:%%S', {sql}, '{self.hours:+d} hours')"
        return f"({shifted} || substr({sql}, 20))", [*params, *params]

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> _Sql:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} + interval '{self.hours:d} hours')", list(params)


@lru_cache(maxsize=64)
def london_midnight_offsets(first_year: int, last_year: int) -> tuple[tuple[dt.date, int], ...]:
    """From zoneinfo: (first day, UTC offset in seconds of London midnight) for each run of
    days whose midnight has the same offset, from 1 January of `first_year` to 31 December
    of `last_year`. About two runs a year."""
    runs: list[tuple[dt.date, int]] = []
    day, last = dt.date(first_year, 1, 1), dt.date(last_year, 12, 31)
    while day <= last:
        offset = dt.datetime.combine(day, dt.time(), tzinfo=LONDON).utcoffset()
        seconds = int(offset.total_seconds()) if offset is not None else 0
        if not runs or runs[-1][1] != seconds:
            runs.append((day, seconds))
        day += dt.timedelta(days=1)
    return tuple(runs)


class LondonMidnight(Func):
    """The instant (UTC) at which a Europe/London calendar date, plus `days`, begins.

    `reported_at >= LondonMidnight(d)` and `reported_at < LondonMidnight(d, 1)` is "the
    London date of reported_at is d", with no conversion of reported_at (its index
    serves). On SQLite the offset of London midnight is a CASE over the days on which it
    changes, generated from zoneinfo for the years `first_year` to `last_year` (a date
    outside them takes the offset of the nearest end: give years covering the data)."""

    output_field = DateTimeField()

    def __init__(self, expression: Any, days: int = 0, *, years: tuple[int, int]) -> None:
        super().__init__(expression)
        self.days = int(days)
        self.years = years

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> _Sql:
        sql, params = compiler.compile(self.source_expressions[0])
        runs = london_midnight_offsets(*self.years)
        # d + days >= run's first day  <=>  d >= run's first day - days: compare the column.
        whens = " ".join(
            f"WHEN {sql} >= '{(first - dt.timedelta(days=self.days)).isoformat()}' "
            f"THEN '{-offset:+d} seconds'"
            for first, offset in reversed(runs[1:])
        )
        first_offset = f"'{-runs[0][1]:+d} seconds'"
        modifier = f"CASE {whens} ELSE {first_offset} END" if whens else first_offset
        # The column in datetime() and in each WHEN: one copy of its parameters each.
        return f"datetime({sql}, '{self.days:+d} days', {modifier})", list(params) * len(runs)

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> _Sql:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"((({sql})::date + {self.days:d})::timestamp AT TIME ZONE 'Europe/London')", list(params)


class DatePart(Func):
    """The year, month or day of a date, as an integer."""

    output_field = IntegerField()
    _PARTS = {"year": (1, 4), "month": (6, 2), "day": (9, 2)}

    def __init__(self, part: str, expression: Any) -> None:
        if part not in self._PARTS:
            raise ValueError(part)
        super().__init__(expression)
        self.part = part

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> _Sql:
        sql, params = compiler.compile(self.source_expressions[0])
        start, length = self._PARTS[self.part]
        return f"CAST(substr({sql}, {start}, {length}) AS INTEGER)", list(params)

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> _Sql:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"EXTRACT({self.part.upper()} FROM ({sql})::date)::integer", list(params)


def year(expression: Any) -> Expression:
    return DatePart("year", expression)


def month(expression: Any) -> Expression:
    return DatePart("month", expression)


def day(expression: Any) -> Expression:
    return DatePart("day", expression)
