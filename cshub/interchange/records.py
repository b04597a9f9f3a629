"""How interchange ids map to CSHub records: a source system's id is kept as source_id;
a record made in CSHub itself is exported as `csh-<pk>` and found again by that id."""

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connection, models
from django.db.models.functions import Cast

NATIVE = re.compile(r"^csh-(\d+)$")
CHUNK = 5000


def interchange_id(obj: Any) -> str:
    return obj.source_id or f"csh-{obj.pk}"


def _scope(model: type[models.Model]) -> tuple[Any, dict[str, Any]]:
    """The records of a table the format names, and what marks one made in CSHub (no source
    id). Intelligence links: those from police intelligence entries (csh_intelligence.csv);
    links captured from other records keep those records' ids in `source_id`."""
    from cshub.intelligence.models import Link, SourceType

    if model is Link:
        return Link.objects.filter(source_type=SourceType.POLICE), {"source_id": ""}
    return model._default_manager.all(), {"source_id__isnull": True}


def existing(model: type[models.Model], ids: Iterable[str]) -> dict[str, Any]:
    """The records these interchange ids already name, by id."""
    wanted = set(ids)
    if not wanted:
        return {}
    manager, made_here = _scope(model)
    native = {int(m.group(1)): i for i in wanted if (m := NATIVE.match(i))}
    if len(wanted) > CHUNK:
        # Many ids (a whole history): read which source ids the table holds, once, and
        # fetch only the records that match, rather than asking for every id.
        held = manager.exclude(**made_here).values_list("source_id", "pk")
        matched = [pk for source_id, pk in held.iterator(chunk_size=CHUNK) if source_id in wanted]
        batches = [manager.filter(pk__in=matched[i : i + CHUNK]) for i in range(0, len(matched), CHUNK)]
    else:
        batches = [manager.filter(source_id__in=wanted)]
    found: dict[str, Any] = {}
    for batch in batches:
        for obj in batch:
            found[obj.source_id] = obj
    keys = sorted(native)
    for start in range(0, len(keys), CHUNK):
        for obj in manager.filter(pk__in=keys[start : start + CHUNK], **made_here):
            # A record that came in with this very id (say, from another CSHub's export)
            # is the one it names: the id as a source id wins over the id as a CSHub id.
            found.setdefault(native[obj.pk], obj)
    return found


def existing_rows(
    model: type[models.Model], ids: Iterable[str], names: Sequence[str]
) -> dict[str, tuple[Any, ...]]:
    """The records these interchange ids already name, by id, as `(pk, *names)` tuples of
    the values as the database driver returns them (`names` are attnames: `person_id`):
    no model instances, none of Django's conversions (a re-import compares a history's
    every row). One query for the ids of other systems however many there are (a scan of
    the table's source ids when there are many), one for CSHub's own."""
    wanted = set(ids)
    if not wanted:
        return {}
    manager, made_here = _scope(model)
    manager, stored = _as_stored(manager, model, names)
    columns = ["source_id", "pk", *stored]
    native = {int(m.group(1)): i for i in wanted if (m := NATIVE.match(i))}
    found: dict[str, tuple[Any, ...]] = {}
    if len(wanted) > CHUNK:
        held = manager.exclude(**made_here).values_list(*columns)
    else:
        held = manager.filter(source_id__in=wanted).values_list(*columns)
    for source_id, *row in _raw(held):
        if source_id in wanted:
            found[source_id] = tuple(row)
    if native:
        mine = manager.filter(**made_here)
        if len(native) <= CHUNK:
            mine = mine.filter(pk__in=sorted(native))
        for _, *row in _raw(mine.values_list(*columns)):
            # As in existing(): the id as a source id wins over the id as a CSHub id.
            if row[0] in native:
                found.setdefault(native[row[0]], tuple(row))
    return found


def _as_stored(manager: Any, model: type[models.Model], names: Sequence[str]) -> tuple[Any, list[str]]:
    """SQLite keeps dates and date-times as text, which its driver would parse into Python
    values for every cell: read as the text itself (the form the import writes)."""
    if connection.vendor != "sqlite":
        return manager, list(names)
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    texts = {
        f"stored_{name}": Cast(name, models.TextField())
        for name in names
        if isinstance(by_attname[name], models.DateField)  # and DateTimeField
    }
    return manager.annotate(**texts), [f"stored_{n}" if f"stored_{n}" in texts else n for n in names]


def _raw(query: Any) -> Iterator[tuple[Any, ...]]:
    """A query's rows as the driver returns them."""
    sql, params = query.order_by().query.sql_with_params()  # in no order: nothing to sort
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK):
            yield from rows
