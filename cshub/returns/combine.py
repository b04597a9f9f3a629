"""Combining hubs' returns for one quarter into the regional table.

Per measure: the sum of the hubs' numerators and of their denominators, and the percentage
recomputed from those sums, never an average of the hubs' percentages (1/2 and 3/4 make
4/6 = 66.67%, not 62.5%). For publication, the engine's own suppression rules are applied to
the regional figures (`assurance.metrics.publication`). Plain functions: no request."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cshub.assurance.metrics import Count, Metrics, Percent
from cshub.assurance.metrics.publication import publish
from cshub.returns.read import Problem, ReturnFile, read
from cshub.returns.schema import COUNT, SCHEMA_VERSION, Catalogue, Quarter

COLUMNS = (
    "schema",
    "level",
    "hub",
    "quarter",
    "measure",
    "kind",
    "numerator",
    "denominator",
    "value",
    "hubs",
)
REGION, HUB = "region", "hub"


@dataclass(frozen=True)
class RegionalRow:
    measure: str
    kind: str
    numerator: int
    denominator: int | None
    hubs: tuple[str, ...]

    def result(self) -> Count | Percent:
        if self.kind == COUNT:
            return Count(self.numerator)
        assert self.denominator is not None
        return Percent(self.numerator, self.denominator)


@dataclass(frozen=True)
class Regional:
    quarter: Quarter
    files: tuple[ReturnFile, ...]
    rows: tuple[RegionalRow, ...]

    @property
    def hubs(self) -> tuple[str, ...]:
        return tuple(f.hub for f in self.files)

    def metrics(self) -> Metrics:
        return {row.measure: row.result() for row in self.rows}


def cross_check(files: Sequence[ReturnFile]) -> list[Problem]:
    """One quarter across the files, and each hub in one file only."""
    problems: list[Problem] = []
    if not files:
        return problems
    first = files[0]
    hubs: dict[str, ReturnFile] = {}
    for f in files:
        line = min(f.lines.values(), default=2)
        if f.quarter != first.quarter:
            problems.append(
                Problem(
                    f.name,
                    line,
                    "quarter",
                    f"{f.quarter}, but {first.name} is for {first.quarter} (every file must be for the same quarter)",
                )
            )
        if f.hub in hubs:
            problems.append(Problem(f.name, line, "hub", f"{f.hub} is also the hub of {hubs[f.hub].name}"))
        else:
            hubs[f.hub] = f
    return problems


def combine(files: Sequence[ReturnFile]) -> Regional:
    """The regional table from returns that passed every check (`read`, `cross_check`)."""
    order: list[str] = []
    kinds: dict[str, str] = {}
    sums: dict[str, list[int]] = {}
    senders: dict[str, list[str]] = {}
    for f in files:
        for row in f.rows:
            if row.measure not in sums:
                order.append(row.measure)
                kinds[row.measure] = row.kind
                sums[row.measure] = [0, 0]
                senders[row.measure] = []
            sums[row.measure][0] += row.numerator
            sums[row.measure][1] += row.denominator or 0
            senders[row.measure].append(f.hub)
    rows = tuple(
        RegionalRow(
            m,
            kinds[m],
            sums[m][0],
            None if kinds[m] == COUNT else sums[m][1],
            tuple(senders[m]),
        )
        for m in order
    )
    return Regional(files[0].quarter, tuple(files), rows)


def combine_paths(
    paths: Sequence[Path | str], catalogue_for: Callable[[Quarter], Catalogue]
) -> tuple[Regional | None, list[Problem]]:
    """Every file read and checked first; the regional table only when none has a problem."""
    files: list[ReturnFile] = []
    problems: list[Problem] = []
    for path in paths:
        checked, found = read(path, catalogue_for)
        problems += found
        if checked is not None:
            files.append(checked)
    problems += cross_check(files)
    if problems or not files:
        return None, problems
    return combine(files), []


def table(regional: Regional, *, publication: bool = False) -> list[tuple[Any, ...]]:
    """The regional table's rows (COLUMNS): each measure for the region, then each hub's rows.
    For publication: the region's rows only, suppressed as the engine publishes its own
    figures (a hub's row beside the region's would let a suppressed cell be worked out)."""
    quarter = str(regional.quarter)
    out: list[tuple[Any, ...]] = []
    docs = publish(regional.metrics()) if publication else {}
    for row in regional.rows:
        result = row.result()
        if publication:
            doc = docs[row.measure]
            if isinstance(result, Count):
                numerator, denominator, value = doc["value"], None, doc["value"]
            else:
                numerator, denominator, value = doc["numerator"], doc["denominator"], doc["percent"]
        else:
            numerator, denominator = row.numerator, row.denominator
            value = result.value if isinstance(result, Count) else result.percent
        out.append(
            (
                SCHEMA_VERSION,
                REGION,
                "",
                quarter,
                row.measure,
                row.kind,
                numerator,
                denominator,
                value,
                ";".join(row.hubs),
            )
        )
    if not publication:
        for f in regional.files:
            out += [(SCHEMA_VERSION, HUB, *r.cells()[1:], "") for r in f.rows]
    return out
