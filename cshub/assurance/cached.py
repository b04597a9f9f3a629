"""The performance figures, kept: a repeat view of a period is one lookup, not the whole
metrics engine again (docs/metrics.md, "The dashboard's figures, kept").

An entry holds every figure of one period as metrics.compute() gave it, under the data
version it was read at (core.dataversion: every write and every import raises it in its
own transaction) and a key of all else the figures depend on: the period, the day a
figure "on the period's last day" is measured (today, while the period has not ended),
the practice standards (every version and the settings before them:
`standards.fingerprint()`), which figures (the view), and the code that computes them. Only
an entry of the current version is read, so a figure computed before a change is never
served after it; entries of older versions are deleted when a newer one is stored.

Reading the version before computing makes this safe without locks: the changes up to
that version are already committed, so the figures computed next include them (and
perhaps later ones, whose new version will not find this entry). Two requests computing
the same entry at once both store it; the second insert is ignored, never an error."""

import hashlib
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from cshub.assurance import metrics
from cshub.assurance.metrics import Count, Metrics, Percent, Period, Value
from cshub.assurance.metrics.base import Result
from cshub.assurance.metrics.disproportionality import RateRatio
from cshub.assurance.models import CachedFigures
from cshub.core import dataversion
from cshub.standards import standards

# What the figures are: the true values, as the dashboard shows them to everyone entitled
# to see figures (analysts, strategic leads, team managers alike). Suppression for
# publication is applied to them when published, so it needs no entry of its own; a view
# that computed different figures (for one team, say) would be a key of its own.
TRUE_VALUES = "true-values"


@cache
def code_fingerprint() -> str:
    """A digest of the code that computes figures (the project's Python files, tests aside):
    a deployment that changes a definition starts with no entries."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        if "tests" not in path.relative_to(root).parts:
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def key(period: Period, view: str = TRUE_VALUES) -> str:
    return ":".join(
        [
            code_fingerprint(),
            view,
            period.start.isoformat(),
            period.end.isoformat(),
            period.measured_on.isoformat(),
            standards.fingerprint(),
        ]
    )


def dump(figures: Metrics) -> list[list[Any]]:
    """The figures as JSON, in their order (a list: PostgreSQL's jsonb would sort a dict's keys)."""
    out: list[list[Any]] = []
    for name, result in figures.items():
        if isinstance(result, Count):
            out.append([name, "count", result.value])
        elif isinstance(result, Percent):
            out.append([name, "percent", result.numerator, result.denominator])
        elif isinstance(result, Value):
            out.append([name, "value", result.value])
        elif isinstance(result, RateRatio):
            parts = [result.referrals, result.total_referrals, result.population, result.total_population]
            out.append([name, "ratio", *parts])
        else:
            raise TypeError(f"{name}: no way to keep a {type(result).__name__}")
    return out


def load(rows: list[list[Any]]) -> Metrics:
    figures: Metrics = {}
    for name, kind, *parts in rows:
        result: Result
        if kind == "count":
            result = Count(parts[0])
        elif kind == "percent":
            result = Percent(parts[0], parts[1])
        elif kind == "value":
            result = Value(parts[0])
        else:
            result = RateRatio(*parts)
        figures[name] = result
    return figures


def figures(periods: Sequence[Period], view: str = TRUE_VALUES) -> list[Metrics]:
    """Every figure of each period, from the kept entries of the current data version, or
    computed (and kept) when there is none: two queries when all are kept."""
    version = dataversion.current()
    keys = [key(period, view) for period in periods]
    kept = dict(CachedFigures.objects.filter(version=version, key__in=keys).values_list("key", "figures"))
    out: list[Metrics] = []
    new: dict[str, CachedFigures] = {}
    for period, k in zip(periods, keys, strict=True):
        if k in kept:
            out.append(load(kept[k]))
            continue
        computed = metrics.compute(period)
        out.append(computed)
        new[k] = CachedFigures(version=version, key=k, figures=dump(computed))
    if new:
        CachedFigures.objects.filter(version__lt=version).delete()
        CachedFigures.objects.bulk_create(new.values(), ignore_conflicts=True)
    return out
