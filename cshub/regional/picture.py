"""The regional picture (on the region): the hubs' returns for a quarter combined as `cshub
return combine` combines them (numerators and denominators summed, percentages recomputed),
small numbers suppressed as `combine --publication` suppresses them, the cross-border flows
and the matches pending per hub. Reads only: no writes, no request."""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from cshub.assurance.dashboard import ROWS
from cshub.assurance.metrics import Count
from cshub.assurance.metrics.publication import C, publish
from cshub.assurance.models import Section
from cshub.region.models import Peer, PeerRole
from cshub.regional import matches
from cshub.regional.models import AlertFlow, AlertType, ReceivedReturn, ReturnRow
from cshub.returns.combine import Regional, combine
from cshub.returns.read import ReturnFile
from cshub.returns.schema import COUNT, Quarter, Row

REGION = ""  # the region's column, beside each hub's id


@dataclass(frozen=True)
class Cell:
    """One figure as shown: a count, or a percentage with its numerator and denominator; "c"
    where suppressed; "" for a measure a hub did not send."""

    value: str
    numerator: int | str | None = None
    denominator: int | str | None = None

    @property
    def suppressed(self) -> bool:
        return self.value == C


@dataclass
class Picture:
    quarter: Quarter | None
    quarters: list[Quarter]
    hubs: list[Peer]  # every active hub the region knows, by name
    received: dict[str, ReceivedReturn]  # hub id -> its return for the quarter
    sections: list[tuple[str, list[tuple[str, str, dict[str, Cell]]]]] = field(default_factory=list)
    regional: Regional | None = None

    @property
    def senders(self) -> list[Peer]:
        return [h for h in self.hubs if h.hub_id in self.received]

    @property
    def missing(self) -> list[Peer]:
        return [h for h in self.hubs if h.hub_id not in self.received]


def returned_quarters() -> list[Quarter]:
    """The quarters some hub sent a return for, newest first."""
    found = {Quarter.parse(q) for q in ReceivedReturn.objects.values_list("quarter", flat=True).distinct()}
    return sorted(found, reverse=True)


def flow_quarters() -> list[Quarter]:
    """The quarters an alert crossed a border in (the current one included), newest first."""
    found = {
        Quarter.parse(q)
        for q in AlertFlow.objects.filter(count__gt=0).values_list("quarter", flat=True).distinct()
    }
    return sorted(found, reverse=True)


def quarters() -> list[Quarter]:
    """Every quarter with something to show: a return, or alerts across a border."""
    return sorted(set(returned_quarters()) | set(flow_quarters()), reverse=True)


def later_flows(quarter: Quarter | None) -> list[Quarter]:
    """Quarters after the one shown in which alerts crossed a border (the quarter under way,
    say, whose returns are not due yet), newest first."""
    return [q for q in flow_quarters() if quarter is None or q > quarter]


def _files(quarter: Quarter, received: dict[str, ReceivedReturn]) -> list[ReturnFile]:
    rows: dict[int, list[Row]] = defaultdict(list)
    by_pk = {r.pk: hub for hub, r in received.items()}
    for r in ReturnRow.objects.filter(received__in=received.values()).order_by("received_id", "id"):
        rows[r.received_id].append(
            Row(by_pk[r.received_id], quarter, r.measure, r.kind, r.numerator, r.denominator)
        )
    return [ReturnFile(hub, hub, quarter, rows[r.pk]) for hub, r in received.items() if rows[r.pk]]


def _cell(doc: dict[str, Any] | None, kind: str) -> Cell:
    if doc is None:
        return Cell("")
    if kind == COUNT:
        return Cell(C if doc["value"] == C else f"{doc['value']:,}")
    percent = doc["percent"]
    shown = C if percent == C else ("–" if percent is None else f"{percent:.1f}%")  # noqa: RUF001
    return Cell(shown, doc["numerator"], doc["denominator"])


def _field(kind: str) -> str:
    return "value" if kind == COUNT else "numerator"


def suppress(region: dict[str, dict[str, Any]], hubs: dict[str, dict[str, dict[str, Any]]]) -> None:
    """Small numbers are already "c" (`publish`, for the region and for each hub). Across the
    hubs: where the region's figure is shown and exactly one hub's is suppressed, the next
    smallest hub's is suppressed too, so no hub's cell is the region's less the others'."""
    for measure, doc in region.items():
        f = "value" if "value" in doc else "numerator"
        if doc.get(f) == C:
            continue
        cells = [(hub, docs[measure]) for hub, docs in hubs.items() if measure in docs]
        if sum(1 for _, d in cells if d.get(f) == C) != 1:
            continue
        candidates = [(d[f], hub) for hub, d in cells if d.get(f) != C and d[f]]
        if candidates:
            _, hub = min(candidates)
            hubs[hub][measure] = {**hubs[hub][measure], f: C, **({"percent": C} if "percent" in doc else {})}


def picture(chosen: Quarter | None) -> Picture:
    available = quarters()
    returned = returned_quarters()
    default = returned[0] if returned else (available[0] if available else None)
    quarter = chosen if chosen in available else default
    hubs = list(Peer.objects.filter(role=PeerRole.HUB, active=True).order_by("name"))
    if quarter is None:
        return Picture(None, available, hubs, {})
    received = {
        r.peer.hub_id: r
        for r in ReceivedReturn.objects.filter(quarter=str(quarter))
        .select_related("peer")
        .order_by("peer__name")
    }
    result = Picture(quarter, available, hubs, received)
    files = _files(quarter, received)
    if not files:
        return result
    regional = combine(files)
    result.regional = regional
    kinds = {row.measure: row.kind for row in regional.rows}
    region_docs = publish(regional.metrics())
    hub_docs = {f.hub: publish({r.measure: r.result() for r in f.rows}) for f in files}
    suppress(region_docs, hub_docs)
    for section, rows in ROWS.items():
        shown = []
        for measure, label in rows:
            if measure not in kinds:
                continue
            kind = kinds[measure]
            cells = {REGION: _cell(region_docs.get(measure), kind)}
            cells.update({f.hub: _cell(hub_docs[f.hub].get(measure), kind) for f in files})
            shown.append((measure, label, cells))
        if shown:
            result.sections.append((Section(section).label, shown))
    return result


def headline(p: Picture, measure: str = "referrals.received") -> list[tuple[str, int | None]]:
    """(hub name, the count or None where suppressed) for a chart, from the picture's cells."""
    names = {h.hub_id: h.name for h in p.hubs}
    for _, rows in p.sections:
        for m, _, cells in rows:
            if m == measure:
                return [
                    (names.get(hub, hub), None if cell.suppressed else int(cell.value.replace(",", "")))
                    for hub, cell in cells.items()
                    if hub != REGION and cell.value
                ]
    return []


@dataclass(frozen=True)
class Flow:
    type: str
    from_name: str
    to_name: str
    count: str  # "c" where 1 to 4


def flows(quarter: Quarter | None) -> list[Flow]:
    """Alerts by type and hub pair in the quarter, small numbers suppressed as the figures are."""
    if quarter is None:
        return []
    names = dict(Peer.objects.values_list("hub_id", "name"))
    labels = dict(AlertType.choices)
    found = []
    for f in AlertFlow.objects.filter(quarter=str(quarter), count__gt=0).order_by(
        "type", "from_hub", "to_hub"
    ):
        shown = publish({"n": Count(f.count)})["n"]["value"]
        found.append(
            Flow(
                labels.get(f.type, f.type),
                names.get(f.from_hub, f.from_hub),
                names.get(f.to_hub, f.to_hub),
                C if shown == C else f"{shown:,}",
            )
        )
    return found


def pending(hubs: list[Peer]) -> list[tuple[str, int]] | None:
    """Matches waiting for each hub's decision, or None when there is no matching yet."""
    if not matches.any_matching():
        return None
    counts = matches.pending_by_hub()
    return [(h.name, counts.get(h.hub_id, 0)) for h in hubs]
