"""What the audit dashboard shows (part D of issue 22): the case audit figures of a period
and of the quarters up to it, all from the metrics engine (metrics.audits), so the page
and `cshub metrics` cannot disagree. Counts only: no child's or worker's name."""

import datetime as dt
from dataclasses import dataclass

from cshub.assurance import dashboard
from cshub.assurance.metrics import Count, Metrics, Percent, Period, Value, audits, compute
from cshub.assurance.metrics.audits import GRADE_KEYS, THEME_PREFIX
from cshub.caseaudits.models import GRADES, Grade, Theme
from cshub.core.dates import format_date

QUARTERS_SHOWN = 8
GRADE_LABELS = [str(Grade(g).label) for g in GRADES]


def figures(period: Period) -> Metrics:
    """The case audit figures of the period, as metrics.compute gives them."""
    return compute(period, (audits,))


def quarter_of(day: dt.date) -> Period:
    """The reporting quarter (April to June is quarter 1) that `day` falls in."""
    year = dashboard.reporting_year(day)
    return dashboard.quarter_period(year, (day.month - 4) % 12 // 3 + 1)


def quarters_to(end: dt.date, n: int = QUARTERS_SHOWN) -> list[Period]:
    """The n reporting quarters up to the one `end` falls in, oldest first; the last one ends
    on `end` when it falls before the quarter's end."""
    last = quarter_of(end)
    found = [Period(last.start, min(last.end, end))]
    while len(found) < n:
        found.insert(0, quarter_of(found[0].start - dt.timedelta(days=1)))
    return found


def quarter_label(period: Period) -> str:
    full = quarter_of(period.start)
    if period == full:
        return f"{period.start:%B} to {period.end:%B %Y}"
    return f"{format_date(period.start)} to {format_date(period.end)}"


def count(result: object) -> int:
    return result.value if isinstance(result, Count) else 0


def _numerator(result: object) -> int:
    return result.numerator if isinstance(result, Percent) else 0


def _percent(result: object) -> Percent:
    return result if isinstance(result, Percent) else Percent(0, 0)


@dataclass(frozen=True)
class Quarter:
    period: Period
    label: str
    completed: int
    grades: list[int]  # best first, as GRADES
    on_time: Percent

    @property
    def good_or_better(self) -> Percent:
        return Percent(self.grades[0] + self.grades[1], self.completed)

    @property
    def width(self) -> float:
        """The bar's length (of 260) for the share graded good or better."""
        return round(260 * (self.good_or_better.percent or 0) / 100, 1)


@dataclass(frozen=True)
class Bar:
    label: str
    text: str
    width: float
    y: int

    @property
    def text_y(self) -> int:
        return self.y + 19

    @property
    def bar_y(self) -> int:
        return self.y + 5

    @property
    def value_x(self) -> float:
        return 320 + self.width + 8


@dataclass(frozen=True)
class ThemeRow:
    theme: str
    counts: list[int]  # findings tagged with it, by quarter

    @property
    def total(self) -> int:
        return sum(self.counts)


def quarters(end: dt.date) -> tuple[list[Quarter], list[ThemeRow]]:
    """Grades and themes of findings by quarter, for the quarters up to `end`."""
    shown = quarters_to(end)
    each = [(q, figures(q)) for q in shown]
    rows = [
        Quarter(
            q,
            quarter_label(q),
            count(m.get("audits.completed")),
            [_numerator(m.get(f"audits.grade.{key}")) for key in GRADE_KEYS.values()],
            _percent(m.get("audits.on_time")),
        )
        for q, m in each
    ]
    themes = []
    for theme in Theme.objects.order_by("name"):
        counts = [_numerator(m.get(f"{THEME_PREFIX}.{theme.pk}")) for _, m in each]
        if theme.active or any(counts):
            themes.append(ThemeRow(theme.name, counts))
    return rows, themes


def bars(rows: list[Quarter]) -> list[Bar]:
    return [
        Bar(
            q.label,
            "No audits" if q.completed == 0 else f"{q.good_or_better.percent:g}%",
            q.width,
            30 * i,
        )
        for i, q in enumerate(rows)
    ]


def kappa_reading(kappa: Value | None) -> str:
    """Weighted kappa in plain words (the bands of Landis and Koch)."""
    if kappa is None or kappa.value is None:
        return "Not enough moderated audits with different grades to say"
    k = kappa.value
    if k < 0:
        return "Less agreement than chance would give"
    for limit, words in ((0.2, "Slight"), (0.4, "Fair"), (0.6, "Moderate"), (0.8, "Substantial")):
        if k <= limit:
            return f"{words} agreement beyond chance"
    return "Almost perfect agreement beyond chance"
