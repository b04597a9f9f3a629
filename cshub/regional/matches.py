"""The region's matches (part B's `linkage.RegionMatch`), read through a guard: this app is
written against docs/region.md while the model is built in parallel, so every read here
gives None ("no matching yet") when the model, or the fields it is read by, are not there.

Read: the match's id, its kind (child / adult), its status (pending / confirmed / rejected)
and the two hubs' ids, each from the first of a few field names that exists."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models

HUB_FIELDS = [("hub_a", "hub_b"), ("left_hub", "right_hub"), ("first_hub", "second_hub"), ("a_hub", "b_hub")]
PENDING = "pending"


@dataclass(frozen=True)
class Match:
    id: str
    kind: str
    pending: bool
    hubs: tuple[str, str]
    when: dt.date | None


def _model() -> type[models.Model] | None:
    try:
        return apps.get_model("linkage", "RegionMatch")
    except LookupError:
        return None


def _hub(value: Any) -> str:
    return str(getattr(value, "hub_id", value) or "")


def _fields(model: type[models.Model]) -> tuple[str, str] | None:
    names = {f.name for f in model._meta.get_fields()}
    if "kind" not in names:
        return None
    return next(((a, b) for a, b in HUB_FIELDS if a in names and b in names), None)


def region_matches() -> list[Match] | None:
    """Every region match, or None when there is no matching to read (yet)."""
    model = _model()
    fields = _fields(model) if model is not None else None
    if model is None or fields is None:
        return None
    found = []
    for obj in model._default_manager.all().iterator():
        status = str(getattr(obj, "status", PENDING) or "")
        made = getattr(obj, "created_at", None) or getattr(obj, "matched_at", None)
        found.append(
            Match(
                str(obj.pk),
                str(getattr(obj, "kind", "")),
                status == PENDING,
                (_hub(getattr(obj, fields[0])), _hub(getattr(obj, fields[1]))),
                made.date() if isinstance(made, dt.datetime) else None,
            )
        )
    return found


def pending_by_hub(matches: list[Match]) -> Counter[str]:
    """How many matches wait for each hub's decision (a pending match waits for both)."""
    counts: Counter[str] = Counter()
    for m in matches:
        if m.pending:
            for hub in set(m.hubs):
                counts[hub] += 1
    return counts
