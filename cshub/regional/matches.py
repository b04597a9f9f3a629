"""The region's matches (`linkage.RegionMatch`) as this app reads them: the adults matched
across two hubs (for the alert to both), and how many matches wait for each hub's decision
(the regional picture). Withdrawn matches (the encodings no longer match) count for neither."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from cshub.linkage.models import RegionMatch, RegionMatchStatus, SideDecision


@dataclass(frozen=True)
class Match:
    id: str
    kind: str
    hubs: tuple[str, str]
    when: dt.date | None


def region_matches(kind: str | None = None) -> list[Match]:
    """Every active region match (of one kind: "child" or "adult"), oldest first."""
    active = RegionMatch.objects.filter(status=RegionMatchStatus.ACTIVE)
    rows = (
        (active.filter(kind=kind) if kind else active)
        .order_by("created_at", "pk")
        .values_list("match_id", "kind", "hub_a__hub_id", "hub_b__hub_id", "created_at")
    )
    return [Match(m, kind, (a, b), timezone.localdate(made)) for m, kind, a, b, made in rows]


def pending_by_hub() -> dict[str, int]:
    """How many active matches wait for each hub's decision (counted in the database: a hub's
    side is pending, whatever the other hub decided)."""
    active = RegionMatch.objects.filter(status=RegionMatchStatus.ACTIVE)
    counts: dict[str, int] = {}
    for side in ("a", "b"):
        rows = (
            active.filter(**{f"decision_{side}": SideDecision.PENDING})
            .values(f"hub_{side}__hub_id")
            .annotate(n=Count("pk"))
        )
        for row in rows:
            hub = row[f"hub_{side}__hub_id"]
            counts[hub] = counts.get(hub, 0) + row["n"]
    return counts


def any_matching() -> bool:
    """Whether the region has matched anything yet (active or withdrawn)."""
    return RegionMatch.objects.exists()
