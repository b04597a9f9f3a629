"""Periods and results, exactly as the conventions of docs/metrics.md define them."""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from cshub.core.dates import LONDON, local_today


@dataclass(frozen=True)
class Period:
    """A closed range of Europe/London calendar dates, both inclusive."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("the period ends before it starts")

    @property
    def utc_start(self) -> dt.datetime:
        """The first instant of the period: local midnight at its start, in UTC."""
        return dt.datetime.combine(self.start, dt.time(), tzinfo=LONDON).astimezone(dt.UTC)

    @property
    def utc_end(self) -> dt.datetime:
        """The first instant after the period (exclusive bound) in UTC."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), tzinfo=LONDON).astimezone(
            dt.UTC
        )

    def timestamps(self, field: str) -> dict[str, dt.datetime]:
        """Filter kwargs: a timestamp falls in the period when its London date does."""
        return {f"{field}__gte": self.utc_start, f"{field}__lt": self.utc_end}

    def dates(self, field: str) -> dict[str, dt.date]:
        return {f"{field}__gte": self.start, f"{field}__lte": self.end}

    @property
    def measured_on(self) -> dt.date:
        """The day a figure "on the period's last day" is measured: today while the period
        has not ended (docs/metrics.md)."""
        return min(self.end, local_today())

    def previous(self) -> "Period":
        """The period of the same length just before this one."""
        length = self.end - self.start
        end = self.start - dt.timedelta(days=1)
        return Period(end - length, end)


def _is_small(n: int | None) -> bool:
    return n is not None and 1 <= n <= 4


@dataclass(frozen=True)
class Count:
    value: int

    def as_dict(self, publication: bool = False) -> dict[str, Any]:
        return {"value": "c" if publication and _is_small(self.value) else self.value}

    def row(self, publication: bool = False) -> tuple[Any, Any, Any]:
        return self.row_of(self.as_dict(publication))

    def row_of(self, d: dict[str, Any]) -> tuple[Any, Any, Any]:
        return ("", "", d["value"])


@dataclass(frozen=True)
class Percent:
    numerator: int
    denominator: int

    @property
    def percent(self) -> float | None:
        """100 * numerator / denominator to 2 decimal places; null with a zero denominator."""
        if self.denominator == 0:
            return None
        exact = Decimal(100 * self.numerator) / Decimal(self.denominator)
        return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))

    def as_dict(self, publication: bool = False) -> dict[str, Any]:
        if publication and (_is_small(self.numerator) or _is_small(self.denominator)):
            return {
                "numerator": "c" if _is_small(self.numerator) else self.numerator,
                "denominator": "c" if _is_small(self.denominator) else self.denominator,
                "percent": "c",
            }
        return {"numerator": self.numerator, "denominator": self.denominator, "percent": self.percent}

    def row(self, publication: bool = False) -> tuple[Any, Any, Any]:
        return self.row_of(self.as_dict(publication))

    def row_of(self, d: dict[str, Any]) -> tuple[Any, Any, Any]:
        return (d["numerator"], d["denominator"], "" if d["percent"] is None else d["percent"])


@dataclass(frozen=True)
class Value:
    """A figure that is not a count (kappa): never suppressed; null when undefined."""

    value: float | None

    def as_dict(self, publication: bool = False) -> dict[str, Any]:
        return {"value": self.value}

    def row(self, publication: bool = False) -> tuple[Any, Any, Any]:
        return self.row_of(self.as_dict(publication))

    def row_of(self, d: dict[str, Any]) -> tuple[Any, Any, Any]:
        return ("", "", "" if d["value"] is None else d["value"])


class Ratio:
    """A figure with its own fields (a rate ratio and its interval)."""

    def as_dict(self, publication: bool = False) -> dict[str, Any]:
        raise NotImplementedError

    def row(self, publication: bool = False) -> tuple[Any, Any, Any]:
        return self.row_of(self.as_dict(publication))

    def row_of(self, d: dict[str, Any]) -> tuple[Any, Any, Any]:
        raise NotImplementedError


Result = Count | Percent | Value | Ratio
Metrics = dict[str, Result]
