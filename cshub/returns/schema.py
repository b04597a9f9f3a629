"""The quarterly regional return's schema (docs/regional-return.md): one row per hub, quarter
and measure, true values, never suppressed.

Plain functions and data, no request: `cshub return`, the download page and the combining
code (`read.py`, `combine.py`) all use them, and so can the exchange between hubs (issue 24).
Which measures go in is decided by rule from the engine's results (`in_return`), so figures
added to the engine later are in or out by the same rule."""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from cshub.assurance.metrics import Count, Metrics, Percent, Period, compute
from cshub.assurance.metrics.base import Result
from cshub.assurance.metrics.publication import STAFF_PREFIXES

SCHEMA_VERSION = 1
COLUMNS = ("schema", "hub", "quarter", "measure", "kind", "numerator", "denominator", "value")
COUNT, PERCENT = "count", "percent"
KINDS = (COUNT, PERCENT)

HUB_ID = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?")
QUARTER = re.compile(r"(\d{4})-Q([1-4])")

# Counts that cannot be added up across hubs: the region's least number of episodes open on
# one day is not the sum of each hub's least (their least days differ).
NOT_SUMMABLE: dict[str, str] = {
    "episodes.open_min": "the least open on one day: the region's is not the sum of the hubs'",
    "episodes.open_max": "the most open on one day: the region's is not the sum of the hubs'",
}

# Breakdowns whose last part is open-ended (not a fixed list of groups): each measure is
# checked against these patterns, in order, before the fixed ids. `None` as the reason: in
# the return (the suffix is checked by `_suffix_ok`); a reason: never in the return.
OPEN_ENDED: list[tuple[re.Pattern[str], str | None]] = [
    (re.compile(r"area\.new_flags\.(\d{4}-\d{2})"), None),
    (re.compile(r"caseload\.by_worker\..+"), "a figure about one member of staff (never sent or published)"),
    (
        re.compile(r"[a-z_.]+\.by_(?:worker|team)\..+"),
        "a figure about one member of staff or one team: each hub's own (never sent)",
    ),
    (
        re.compile(r"audits\.findings\.by_theme\..+"),
        "keyed by the hub's own theme id: theme 3 at one hub is not theme 3 at another",
    ),
]


@dataclass(frozen=True, order=True)
class Quarter:
    """A quarter of the reporting year (1 April to 31 March): "2025-Q1" is April to June 2025,
    "2025-Q3" October to December 2025, "2025-Q4" January to March 2026 (reporting year 2025/26)."""

    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        match = QUARTER.fullmatch(text.strip())
        if not match:
            raise ValueError(
                f'"{text}" is not a quarter (YYYY-Qn, n from 1 to 4: 2025-Q3 is October to December 2025)'
            )
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def containing(cls, day: dt.date) -> "Quarter":
        year = day.year if day.month >= 4 else day.year - 1
        return cls(year, (day.month - 4) % 12 // 3 + 1)

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def period(self) -> Period:
        month = 4 + 3 * (self.number - 1)
        start = dt.date(self.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
        after = dt.date(start.year + (start.month + 2) // 12, (start.month + 2) % 12 + 1, 1)
        return Period(start, after - dt.timedelta(days=1))

    def previous(self) -> "Quarter":
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    @property
    def reporting_year(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d}"

    def months(self) -> set[str]:
        p = self.period
        return {f"{p.start.year}-{p.start.month + i:02d}" for i in range(3)}


def exclusion(name: str, result: Result | None = None) -> str | None:
    """Why a figure is not in the return, or None when it is."""
    if name.startswith(STAFF_PREFIXES):
        return "a figure about one member of staff (never sent or published)"
    if name in NOT_SUMMABLE:
        return NOT_SUMMABLE[name]
    for pattern, reason in OPEN_ENDED:
        if pattern.fullmatch(name):
            if reason:
                return reason
            break
    if result is not None and not isinstance(result, Count | Percent):
        return "not a count or a percentage, so it cannot be combined by adding up"
    return None


def kind_of(result: Result) -> str:
    return COUNT if isinstance(result, Count) else PERCENT


@dataclass(frozen=True)
class Row:
    """One measure of one hub's return for one quarter, true values."""

    hub: str
    quarter: Quarter
    measure: str
    kind: str
    numerator: int
    denominator: int | None  # None for a count

    @property
    def value(self) -> int | float | None:
        if self.kind == COUNT:
            return self.numerator
        assert self.denominator is not None
        return Percent(self.numerator, self.denominator).percent

    def cells(self) -> tuple[int, str, str, str, str, int, int | None, int | float | None]:
        return (
            SCHEMA_VERSION,
            self.hub,
            str(self.quarter),
            self.measure,
            self.kind,
            self.numerator,
            self.denominator,
            self.value,
        )

    def result(self) -> Count | Percent:
        if self.kind == COUNT:
            return Count(self.numerator)
        assert self.denominator is not None
        return Percent(self.numerator, self.denominator)


def rows_from(hub: str, quarter: Quarter, figures: Metrics) -> list[Row]:
    """The return's rows from the engine's figures for the quarter, in the engine's order."""
    rows = []
    for name, result in figures.items():
        if exclusion(name, result) is not None:
            continue
        if isinstance(result, Count):
            rows.append(Row(hub, quarter, name, COUNT, result.value, None))
        elif isinstance(result, Percent):
            rows.append(Row(hub, quarter, name, PERCENT, result.numerator, result.denominator))
    return rows


@dataclass(frozen=True)
class Catalogue:
    """The measures of the return and their kinds, for one quarter: what a file is checked
    against. Made from the engine (`catalogue`), or given (the exchange between hubs)."""

    quarter: Quarter
    kinds: dict[str, str]

    def problem(self, measure: str) -> str | None:
        """Why a measure cannot be in this quarter's return, or None when it can."""
        if measure in self.kinds:
            return None
        reason = exclusion(measure)
        if reason:
            return f"{measure} is not in the regional return: {reason}"
        for pattern, _ in OPEN_ENDED:
            match = pattern.fullmatch(measure)
            if match and match.groups() and match[1] not in self.quarter.months():
                return f"{measure} is not a month of {self.quarter}"
        return f'"{measure}" is not a measure of the regional return'


def catalogue(quarter: Quarter, figures: Metrics | None = None) -> Catalogue:
    """The measures the engine computes for the quarter that go in the return."""
    figures = compute(quarter.period) if figures is None else figures
    return Catalogue(quarter, {name: kind_of(r) for name, r in figures.items() if exclusion(name, r) is None})


def agrees(value: Decimal, numerator: int, denominator: int) -> bool:
    """A percentage agrees with its numerator and denominator to within 0.01."""
    exact = Decimal(100 * numerator) / Decimal(denominator)
    return abs(value - exact) <= Decimal("0.01")
