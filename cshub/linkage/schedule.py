"""Linkage's part of each round of `cshub region run` (docs/region.md, "Linkage").

On a hub: send the encodings that changed, and a full set once a day (so the region drops
any record the hub no longer holds). On the region: match again when encodings arrived."""

import datetime as dt
from typing import Any

from cshub.linkage import actions
from cshub.linkage.models import MatchingState
from cshub.region import transport


def tick(now: dt.datetime | None = None) -> dict[str, Any]:
    if transport.is_region():
        if MatchingState.objects.filter(pk=1, needs_run=True).exists():
            return {"matched": actions.rematch(now=now)}
        return {}
    try:
        transport.region_peer()
    except transport.Refused:
        return {}  # no region registered yet: nothing to send to
    full = actions.full_set_due(now)
    return {"sent": actions.send_encodings(full=full, actor=None, now=now), "full": full}
