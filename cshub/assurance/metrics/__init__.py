"""The metrics engine: every figure of docs/metrics.md, computed in the database.

The dashboard, reports, exports and `cshub metrics` all call compute(); nothing else
computes a figure, so no two places can disagree."""

import csv
import io
import json
from typing import Any

from cshub.assurance.metrics import (
    area,
    audits,
    compliance,
    consultations,
    demand,
    disproportionality,
    disruption,
    impact,
    missing,
    practice,
    publication,
    workforce,
)
from cshub.assurance.metrics.base import Count, Metrics, Percent, Period, Value

__all__ = [
    "ENGINE_ONLY",
    "FROM_INTERCHANGE",
    "Count",
    "Metrics",
    "Percent",
    "Period",
    "Value",
    "compute",
    "to_csv",
    "to_json",
]


# The modules whose figures the interchange files carry (what `cshub bench metrics` has
# DuckDB compute too); the others' figures come from records only CSHub holds.
FROM_INTERCHANGE = (demand, missing, impact, practice, disproportionality)
ENGINE_ONLY = (disruption, consultations, area, audits, compliance, workforce)


def compute(period: Period, modules: tuple[Any, ...] = FROM_INTERCHANGE + ENGINE_ONLY) -> Metrics:
    """Every figure of docs/metrics.md for the period (or only those of `modules`)."""
    figures: Metrics = {}
    for module in modules:
        figures.update(module.compute(period))
    return figures


def publication_docs(metrics: Metrics) -> dict[str, dict[str, Any]]:
    """The figures as published: no staff, small numbers and their give-aways suppressed."""
    return publication.publish(metrics)


def as_document(period: Period, metrics: Metrics, *, publication: bool = False) -> dict[str, Any]:
    return {
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
        "metrics": publication_docs(metrics) if publication else {n: r.as_dict() for n, r in metrics.items()},
    }


def to_json(period: Period, metrics: Metrics, *, publication: bool = False) -> str:
    return json.dumps(as_document(period, metrics, publication=publication), indent=2)


def to_csv(metrics: Metrics, *, publication: bool = False) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["metric", "numerator", "denominator", "value"])
    if publication:
        docs = publication_docs(metrics)
        for name, doc in docs.items():
            writer.writerow([name, *metrics[name].row_of(doc)])
    else:
        for name, result in metrics.items():
            writer.writerow([name, *result.row()])
    return out.getvalue()
