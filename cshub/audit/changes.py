"""Before and after: what an update changed, kept in its audit event.

An action takes a `snapshot(obj, fields)` before it changes a record and another after,
and records `change_detail(before, after)` as the event's detail:
`{"fields": [names], "changes": {name: [old, new]}}`. Values are JSON-safe: dates and
times ISO 8601, choices as their codes (the history page shows their labels), a related
record as its label (reading the history asks the database nothing more per event).
An event about police-only content says so (`police_only`): the history shows its fields
but not its values to anyone who may not see police-only information.

Never put a break-glass reason in a change: it is shown only to the people
`people.access.break_glass_reasons_visible` names, and the history shows every change.
"""

import datetime as dt
import decimal
import enum
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models


def json_safe(value: Any) -> Any:
    """A value as the audit event keeps it."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, enum.Enum):
        return json_safe(value.value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(v) for v in value]
    return str(value)


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """These fields of a record, JSON-safe. A foreign key is kept as the label of the record
    it points to (a user's name, say), so reading it back asks no query."""
    values: dict[str, Any] = {}
    for name in fields:
        try:
            field = obj._meta.get_field(name)
        except FieldDoesNotExist:  # a property: its value as it is
            field = None
        if isinstance(field, models.ForeignKey) and getattr(obj, field.attname) is None:
            values[name] = None
        else:
            values[name] = json_safe(getattr(obj, name))
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """`{field: [old, new]}` for each field whose value differs, in the order given."""
    names = dict.fromkeys([*before, *after])
    return {
        name: [json_safe(before.get(name)), json_safe(after.get(name))]
        for name in names
        if json_safe(before.get(name)) != json_safe(after.get(name))
    }


def change_detail(
    before: dict[str, Any], after: dict[str, Any], /, *, police_only: bool = False, **extra: Any
) -> dict[str, Any]:
    """The detail of an UPDATE event: what else the action says (`extra`), the names of the
    fields changed (as older events carry them) and their values before and after."""
    changes = diff(before, after)
    detail: dict[str, Any] = {**extra, "fields": list(changes), "changes": changes}
    if police_only:
        detail["police_only"] = True
    return detail
