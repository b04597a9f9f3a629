"""Inserting many rows without the per-object cost of `bulk_create`: primary keys are
reserved first (so records can refer to each other before they are written), values are
adapted once per column kind, and rows go to the database with `executemany`.

Only for the import's own transaction (the reserved keys rely on it holding the write
lock on SQLite, and on the sequence on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models.base import ModelState
from django.utils import timezone

CHUNK = 2000


def reserve_ids(model: type[models.Model], n: int) -> list[int]:
    """`n` new primary keys for `model`'s table, none of them used."""
    if n == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n]
            )
            return [row[0] for row in cursor.fetchall()]
        # AUTOINCREMENT never reuses the id of a deleted row: start after the higher of the
        # largest id and the table's sequence.
        cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{table}"')  # noqa: S608 (a model's table)
        largest = int(cursor.fetchone()[0])
        cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = %s", [table])
        start = max(largest, int(cursor.fetchone()[0])) + 1
        return list(range(start, start + n))


_SEEN: dict[dt.datetime, str] = {}


def _sqlite_datetime(value: dt.datetime | None) -> str | None:
    """As Django's SQLite backend stores an aware datetime: naive UTC, as text. (Many rows
    share a timestamp, such as the import's own time: those are converted once.)"""
    if value is None:
        return None
    text = _SEEN.get(value)
    if text is None:
        naive = value.astimezone(dt.UTC).replace(tzinfo=None) if value.utcoffset() is not None else value
        text = str(naive)
        if len(_SEEN) > 10_000:
            _SEEN.clear()
        _SEEN[value] = text
    return text


def _same(value: Any) -> Any:
    return value


def _adapter(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    ops = connections[DEFAULT_DB_ALIAS].ops
    if isinstance(field, models.DateTimeField):
        if connection.vendor == "sqlite" and settings.USE_TZ:
            return _sqlite_datetime
        adapt_dt = ops.adapt_datetimefield_value
        return lambda v: adapt_dt(v) if v is not None else None
    if isinstance(field, models.DateField):
        adapt_d = ops.adapt_datefield_value
        return lambda v: adapt_d(v) if v is not None else None
    if isinstance(field, models.JSONField | models.DecimalField):
        conn = connections[DEFAULT_DB_ALIAS]
        return lambda v: field.get_db_prep_save(v, conn)
    return _same


def new_objects(model: type[models.Model], rows: Sequence[dict[str, Any]], pks: Sequence[int]) -> list[Any]:
    """Model instances for rows about to be inserted, without `Model.__init__` per row:
    every concrete field gets its default once per batch, then the row's values."""
    state = ModelState
    defaults = {f.attname: f.get_default() for f in model._meta.concrete_fields}
    objects = []
    for row, pk in zip(rows, pks, strict=True):
        obj = model.__new__(model)
        obj._state = state()
        obj._state.adding = False
        obj.__dict__.update(defaults)
        obj.__dict__.update(row)
        obj.pk = pk
        objects.append(obj)
    return objects


def columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return list(model._meta.concrete_fields)


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
    adapters = [_adapter(by_column[name]) for name in names]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(n) for n in names)}) "  # noqa: S608 (quoted names from the model; values are parameters)
        f"VALUES ({', '.join(['%s'] * len(names))})"
    )
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append([adapt(v) for adapt, v in zip(adapters, row, strict=True)])
            if len(batch) >= CHUNK:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
