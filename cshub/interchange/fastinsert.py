"""Inserting many rows without the per-object cost of `bulk_create`: primary keys are
reserved first (so records can refer to each other before they are written), values are
adapted once per column kind, and rows go to the database in bulk: many rows per `INSERT`
on SQLite, `COPY` on PostgreSQL.

Only for the import's own transaction (the reserved keys rely on it holding the write
lock on SQLite, and on the sequence on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json
import operator
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.utils import timezone

ROWS_PER_INSERT = 2000


def reserve_ids(model: type[models.Model], n: int) -> list[int]:
    """`n` new primary keys for `model`'s table, none of them used."""
    if n == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence named once: pg_get_serial_sequence() inside nextval() ran for
            # every key (seven times the time of the nextval calls themselves).
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, n])
            return [row[0] for row in cursor.fetchall()]
        # AUTOINCREMENT never reuses the id of a deleted row: start after the higher of the
        # largest id and the table's sequence.
        cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{table}"')  # noqa: S608 (a model's table)  # nosec B608
        largest = int(cursor.fetchone()[0])
        cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = %s", [table])
        start = max(largest, int(cursor.fetchone()[0])) + 1
        return list(range(start, start + n))


def _sqlite_datetimes() -> Callable[[dt.datetime | None], str | None]:
    """As Django's SQLite backend stores an aware datetime: naive UTC, as text. One per
    column: a value the same as the row before's (the import's own time) is not redone."""
    last: list[Any] = [None, None]

    def adapt(value: dt.datetime | None) -> str | None:
        if value is None:
            return None
        if value is last[0]:
            return str(last[1])
        if value.tzinfo is dt.UTC:
            text = value.isoformat(" ")[:-6]  # without its "+00:00"
        elif value.utcoffset() is None:
            text = str(value)
        else:
            text = str(value.astimezone(dt.UTC).replace(tzinfo=None))
        last[:] = [value, text]
        return text

    return adapt


def _adapter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    """How a value of this field becomes a database parameter (None: as it is)."""
    ops = connections[DEFAULT_DB_ALIAS].ops
    if isinstance(field, models.DateTimeField):
        if connection.vendor == "sqlite" and settings.USE_TZ:
            return _sqlite_datetimes()
        adapt_dt = ops.adapt_datetimefield_value
        return lambda v: adapt_dt(v) if v is not None else None
    if isinstance(field, models.DateField):
        adapt_d = ops.adapt_datefield_value
        return lambda v: adapt_d(v) if v is not None else None
    if isinstance(field, models.JSONField):
        adapt_json, encoder = ops.adapt_json_value, field.encoder
        return lambda v: adapt_json(v, encoder) if v is not None else None
    if isinstance(field, models.DecimalField):
        conn = connections[DEFAULT_DB_ALIAS]
        return lambda v: field.get_db_prep_save(v, conn)
    return None


def same_as_stored(field: models.Field[Any, Any]) -> Callable[[Any, Any], bool]:
    """Whether a value is the one a column holds, given the column as the driver reads it
    (no model instance, none of Django's conversions). True only when writing the value
    would store exactly what is there; False may be a mere difference of form (JSON
    written with other spacing), which the caller settles on the model instance."""
    if isinstance(field, models.JSONField):
        return lambda value, raw: (None if raw is None else json.loads(raw)) == value
    adapt = _adapter(field)
    if adapt is None:
        return operator.eq
    return lambda value, raw: adapt(value) == raw


def columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return list(model._meta.concrete_fields)


def insert_new(model: type[models.Model], rows: Sequence[dict[str, Any]], pks: Sequence[int]) -> None:
    """Insert new records given as {attname: value}, with their reserved keys: every other
    column gets its default (computed once), `auto_now` columns the time of the call."""
    fields = [f for f in columns(model) if not f.primary_key]
    now = timezone.now()
    defaults = {
        f.attname: now
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        else f.get_default()
        for f in fields
    }
    getter = operator.itemgetter(*defaults)
    values = getter if len(defaults) > 1 else lambda row: (getter(row),)  # one key: a tuple still
    insert_rows(
        model,
        [model._meta.pk.column, *(f.column for f in fields)],
        ((pk, *values(defaults | row)) for row, pk in zip(rows, pks, strict=True)),
    )


def insert_objects(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """Insert model instances whose `pk` is already set (from `reserve_ids`)."""
    fields = columns(model)
    now = timezone.now()
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for obj in objects:
                setattr(obj, f.attname, now)
    insert_rows(model, [f.column for f in fields], ([getattr(o, f.attname) for f in fields] for o in objects))


def insert_rows(model: type[models.Model], names: list[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert plain rows: `names` are column names, each row their values in that order."""
    by_column = {f.column: f for f in columns(model)}
    adapters = [(i, adapt) for i, name in enumerate(names) if (adapt := _adapter(by_column[name]))]
    if connection.vendor == "postgresql":
        _copy(model, names, rows, adapters)
        return
    _sqlite_insert(model, names, rows, adapters)


def _sqlite_insert(
    model: type[models.Model],
    names: list[str],
    rows: Iterable[Sequence[Any]],
    adapters: list[tuple[int, Callable[[Any], Any]]],
) -> None:
    """SQLite's bulk path: as many rows per INSERT as SQLite takes parameters (a statement
    per row, as `executemany` runs it, costs SQLite a start and an end for every row)."""
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(n) for n in names)}) VALUES "  # noqa: S608 (quoted names from the model; values are parameters)  # nosec B608
    one = f"({', '.join(['?'] * len(names))})"
    with connection.cursor() as wrapper, connection.wrap_database_errors:
        # The driver's own execute: the statement is written with its placeholders already
        # ("?"), and Django's rewriting of "%s" would cost more than the insert.
        cursor, execute = wrapper.cursor, sqlite3.Cursor.execute
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        per = max(1, min(ROWS_PER_INSERT, limit // len(names)))
        full = head + ", ".join([one] * per)
        params: list[Any] = []
        count = 0
        for row in rows:
            if adapters:
                values = list(row)
                for i, adapt in adapters:
                    values[i] = adapt(values[i])
                params.extend(values)
            else:
                params.extend(row)
            count += 1
            if count == per:
                execute(cursor, full, params)
                params, count = [], 0
        if count:
            execute(cursor, head + ", ".join([one] * count), params)


def _copy(
    model: type[models.Model],
    names: list[str],
    rows: Iterable[Sequence[Any]],
    adapters: list[tuple[int, Callable[[Any], Any]]],
) -> None:
    """PostgreSQL's bulk path: COPY ... FROM STDIN, one stream for all the rows (row by
    row INSERTs, even pipelined, cost a statement each)."""
    quote = connection.ops.quote_name
    sql = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(n) for n in names)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            values = list(row)
            for i, adapt in adapters:
                values[i] = adapt(values[i])
            copy.write_row(values)
