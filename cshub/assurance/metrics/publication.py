"""Figures for publication (docs/metrics.md, "Counts for publication"): small numbers (1 to
4) are suppressed as "c"; where a breakdown's total is published and exactly one of its
cells is suppressed, the next smallest non-zero cell is suppressed too, so that no
suppressed cell can be recovered by subtraction; and no figure names or identifies staff
(per-worker figures are left out)."""

from typing import Any

from cshub.assurance.metrics.base import Metrics, Percent

C = "c"

# Figures about individual members of staff: never published.
# Training by agency too: an agency may have one or two members of staff in the hub, and its
# cells count (person, course) pairs, so small-number suppression would not hide them.
STAFF_PREFIXES = ("caseload.by_worker.", "training.up_to_date.by_team.", "training.up_to_date.by_agency.")

# (cells' prefix, the cells' field, the breakdown's total, the total's field): the cells'
# fields add up to the total's.
BREAKDOWNS: list[tuple[str, str, str, str]] = [
    ("referrals.by_primary_type", "numerator", "referrals.received", "value"),
    ("referrals.by_gender", "numerator", "referrals.received", "value"),
    ("episodes.open_at_end.by_age", "numerator", "episodes.open_at_end", "value"),
    ("closures.reopened_within_6_months", "numerator", "closures.reopened_within_6_months", "numerator"),
    ("closures.reopened_within_6_months", "denominator", "closures.reopened_within_6_months", "denominator"),
    ("consultations.by_agency", "numerator", "consultations.total", "value"),
    # The whole area's breakdowns each share out area.children; by_concern does not (a child
    # may be under two concerns), so no cell of it can be recovered by subtraction.
    ("area.by_age_band", "numerator", "area.children", "value"),
    ("area.by_gender", "numerator", "area.children", "value"),
    ("area.by_ethnicity_group", "numerator", "area.children", "value"),
    ("area.by_imd_decile", "numerator", "area.children", "value"),
    # Completed audits by grade (every completed audit has one grade). Findings by theme are
    # not a breakdown: a finding may have several themes, as area.by_concern.
    ("audits.grade", "numerator", "audits.completed", "value"),
    # Every disruption has one type and one outcome.
    ("disruption.by_type", "numerator", "disruption.total", "value"),
    ("disruption.by_outcome", "numerator", "disruption.total", "value"),
]

# Figures that repeat a breakdown's cell: hidden whenever that cell is.
MIRRORS = {
    "disruption.arrests": ("disruption.by_type.ARREST", "numerator"),
    "disruption.charges": ("disruption.by_type.CHARGE", "numerator"),
    "disruption.convictions": ("disruption.by_type.CONVICTION", "numerator"),
}


def published(name: str) -> bool:
    return not name.startswith(STAFF_PREFIXES)


def _breakdowns(
    metrics: Metrics, given: list[tuple[str, str, str, str]] | None = None
) -> list[tuple[list[str], str, str, str]]:
    found = list(BREAKDOWNS) if given is None else list(given)
    # Disproportionality: each dimension's groups share out the period's referrals.
    dimensions = {name.split(".")[1] for name in metrics if name.startswith("disproportionality.")}
    found += [
        (f"disproportionality.{d}", "referrals", "referrals.received", "value") for d in sorted(dimensions)
    ]
    out = []
    for prefix, field, total, total_field in found:
        cells = [n for n in metrics if n.startswith(prefix + ".") and "." not in n[len(prefix) + 1 :]]
        if cells:
            out.append((cells, field, total, total_field))
    return out


def _hide(doc: dict[str, Any], field: str) -> None:
    """Suppress a cell secondarily: the field, and everything that would give it away."""
    if "referrals" in doc:  # a rate ratio: as its own small-number rule does
        for key in ("referrals", "referral_share", "rate_ratio", "ci_low", "ci_high", "flag"):
            doc[key] = C
        return
    doc[field] = C
    if "percent" in doc:
        doc["percent"] = C


def publish(
    metrics: Metrics, breakdowns_of: list[tuple[str, str, str, str]] | None = None
) -> dict[str, dict[str, Any]]:
    """Each published figure as it goes out: staff figures left out, small numbers
    suppressed, and secondary suppression in every breakdown whose total is published.
    Figures other than the engine's (a report's own) give their breakdowns as
    `breakdowns_of`, in the form of BREAKDOWNS."""
    docs = {name: result.as_dict(publication=True) for name, result in metrics.items() if published(name)}
    breakdowns = _breakdowns(metrics, breakdowns_of)
    changed = True
    while changed:  # suppressing one cell's denominator can leave another field with one "c"
        changed = False
        for cells, field, total, total_field in breakdowns:
            if total not in docs or docs[total].get(total_field) in (C, None):
                continue
            hidden = [n for n in cells if docs[n].get(field) == C]
            if len(hidden) != 1:
                continue
            candidates = [
                (_raw(metrics[n], field), i, n)
                for i, n in enumerate(cells)
                if docs[n].get(field) != C and _raw(metrics[n], field) > 0
            ]
            if candidates:
                _, _, smallest = min(candidates)
                _hide(docs[smallest], field)
                changed = True
    for name, (cell, field) in MIRRORS.items():
        if name in docs and cell in docs and docs[cell].get(field) == C:
            docs[name] = {**docs[name], "value": C}
    return docs


def _raw(result: Any, field: str) -> int:
    if isinstance(result, Percent):
        return int(getattr(result, field))
    return int(getattr(result, field, 0) or 0)
