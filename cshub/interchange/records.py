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
    wanted = set(ids)
    if not wanted:
        return {}
    manager = model._default_manager
    native = {int(m.group(1)): i for i in wanted if (m := NATIVE.match(i))}
    if len(wanted) > CHUNK:
        # Many ids (a whole history): read which source ids the table holds, once, and
        # fetch only the records that match, rather than asking for every id.
        held = manager.filter(source_id__isnull=False).values_list("source_id", "pk")
        matched = [pk for source_id, pk in held.iterator(chunk_size=CHUNK) if source_id in wanted]
        batches = [manager.filter(pk__in=matched[i : i + CHUNK]) for i in range(0, len(matched), CHUNK)]
    else:
        batches = [manager.filter(source_id__in=wanted)]
    found: dict[str, Any] = {}
    for batch in batches:
        for obj in batch:
            found[obj.source_id] = obj  # type: ignore[attr-defined]
    keys = sorted(native)
    for start in range(0, len(keys), CHUNK):
        for obj in manager.filter(pk__in=keys[start : start + CHUNK], source_id__isnull=True):
            # A record that came in with this very id (say, from another CSHub's export)
            # is the one it names: the id as a source id wins over the id as a CSHub id.
            found.setdefault(native[obj.pk], obj)
    return found
