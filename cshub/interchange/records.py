"""How interchange ids map to CSHub records: a source system's id is kept as source_id;
a record made in CSHub itself is exported as `csh-<pk>` and found again by that id."""

import re
from collections.abc import Iterable
from typing import Any

from django.db import models

NATIVE = re.compile(r"^csh-(\d+)$")
CHUNK = 5000


def interchange_id(obj: Any) -> str:
    return obj.source_id or f"csh-{obj.pk}"


def existing(model: type[models.Model], ids: Iterable[str]) -> dict[str, Any]:
    """The records these interchange ids already name, by id."""
    wanted = sorted(set(ids))
    found: dict[str, Any] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        for obj in model._default_manager.filter(source_id__in=chunk):
            found[obj.source_id] = obj  # type: ignore[attr-defined]
        native = {int(m.group(1)): i for i in chunk if (m := NATIVE.match(i))}
        for obj in model._default_manager.filter(pk__in=list(native), source_id__isnull=True):
            found[native[obj.pk]] = obj
    return found
