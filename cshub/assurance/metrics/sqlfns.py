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

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import DateField, DateTimeField, Expression, Func, IntegerField, QuerySet
from django.db.models.sql.compiler import SQLCompiler

from cshub.core.dates import LONDON

_Sql = tuple[str, list[Any]]


class AddDays(Func):
    """A date plus a whole number of days (negative: minus), as a date. The days are a
    number, or an integer expression of the row (a practice standard in force on one of
    its dates: `cshub.standards.standards.days_in_force`)."""

    output_field = DateField()

    def __init__(self, expression: Any, days: "int | Expression | Any") -> None:
        if isinstance(days, int):
            super().__init__(expression)
            self.days: int | None = int(days)
        else:
            super().__init__(expression, days)
            self.days = None

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> _Sql:
        sql, params = compiler.compile(self.source_expressions[0])
        if self.days is not None:
            return f"date({sql}, '{self.days:+d} days')", list(params)
        days_sql, days_params = compiler.compile(self.source_expressions[1])
        # SQLite's modifier is text: "28 days", "-3 days".
        return f"date({sql}, CAST(({days_sql}) AS INTEGER) || ' days')", [*params, *days_params]

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> _Sql:
        sql, params = compiler.compile(self.source_expressions[0])
        if self.days is not None:
            return f"(({sql})::date + {self.days:d})", list(params)
        days_sql, days_params = compiler.compile(self.source_expressions[1])
        return f"(({sql})::date + ({days_sql})::integer)", [*params, *days_params]


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


@lru_cache(maxsize=64)
def london_offsets_from(first_year: int, last_year: int) -> tuple[tuple[str, int], ...]:
    """From zoneinfo: (the UTC instant, as Django's SQLite text, from which London's UTC
    offset is the second value, in seconds) for each change of offset from 1 January of
    `first_year` to 31 December of `last_year`, the first entry holding from the start.
    London changes its clocks on the hour in UTC."""

    def offset(instant: dt.datetime) -> int:
        value = instant.astimezone(LONDON).utcoffset()
        return int(value.total_seconds()) if value is not None else 0

    start = dt.datetime(first_year, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(last_year + 1, 1, 1, tzinfo=dt.UTC)
    runs = [(start.strftime("%Y-%m-%d %H:%M:%S"), offset(start))]
    hour = start
    while hour < end:
        if offset(hour + dt.timedelta(days=1)) != runs[-1][1]:  # a change within the day: find its hour
            while offset(hour) == runs[-1][1]:
                hour += dt.timedelta(hours=1)
            runs.append((hour.strftime("%Y-%m-%d %H:%M:%S"), offset(hour)))
        else:
            hour += dt.timedelta(days=1)
    return tuple(runs)


class LondonDate(Func):
    """The Europe/London calendar date of an instant.

    On PostgreSQL `(instant AT TIME ZONE 'Europe/London')::date`; on SQLite the stored UTC
    text moved by London's offset at that instant, a `CASE` over the instants at which the
    offset changes, generated from zoneinfo for the years `first_year` to `last_year` (an
    instant outside them takes the offset of the nearest end: give years covering the data)."""

    output_field = DateField()

    def __init__(self, expression: Any, *, years: tuple[int, int]) -> None:
        super().__init__(expression)
        self.years = years

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> _Sql:
        sql, params = compiler.compile(self.source_expressions[0])
        runs = london_offsets_from(*self.years)
        whens = " ".join(
            f"WHEN {sql} >= '{instant}' THEN '{offset:+d} seconds'" for instant, offset in reversed(runs[1:])
        )
        first_offset = f"'{runs[0][1]:+d} seconds'"
        modifier = f"CASE {whens} ELSE {first_offset} END" if whens else first_offset
        return f"date({sql}, {modifier})", list(params) * len(runs)

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> _Sql:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) AT TIME ZONE 'Europe/London')::date", list(params)


class DaysBetween(Func):
    """Whole days from the date `earlier` to the date `later` (negative when it is after)."""

    output_field = IntegerField()

    def __init__(self, later: Any, earlier: Any) -> None:
        super().__init__(later, earlier)

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> _Sql:
        later, later_params = compiler.compile(self.source_expressions[0])
        earlier, earlier_params = compiler.compile(self.source_expressions[1])
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)", [*later_params, *earlier_params]

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> _Sql:
        later, later_params = compiler.compile(self.source_expressions[0])
        earlier, earlier_params = compiler.compile(self.source_expressions[1])
        return f"(({later})::date - ({earlier})::date)", [*later_params, *earlier_params]


def median(values: "QuerySet[Any]", column: str) -> float | None:
    """The median of one numeric column of a queryset (the mean of the two middle values
    when there is an even number of them; None when there are none), in one query: the
    rows numbered in order of the value by a window function, the same SQL on SQLite and
    PostgreSQL."""
    inner, params = values.order_by().values_list(column).query.sql_with_params()
    name = connection.ops.quote_name(column)
    sql = (
        f"SELECT AVG(v) FROM (SELECT {name} AS v, ROW_NUMBER() OVER (ORDER BY {name}) AS rn, "  # noqa: S608 - the column is ours, values parameters  # nosec B608
        f"COUNT(*) OVER () AS n FROM ({inner}) t) s WHERE rn IN ((n + 1) / 2, (n + 2) / 2)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None or row[0] is None else float(row[0])
