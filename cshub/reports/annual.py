"""The annual report for a reporting year (1 April to 31 March), and the scrutiny
committee's cover report that introduces it (docs/annual-report.md).

Every figure comes from the metrics engine (`assurance.metrics.compute`, through the
dashboard's kept figures) for the year and the year before; nothing here computes one.
The published version shows each figure exactly as the engine publishes it
(`assurance.metrics.publication.publish`: 1 to 4 as "c", the next smallest cell of a
breakdown too, no per-worker figure) and names no member of staff. Each figure shown is
noted in `AnnualReport.shown`, so a test can walk them all against `compute()`."""

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from cshub.assurance import cached
from cshub.assurance.dashboard import AGE_LABELS, GENDER_LABELS, reporting_year, year_period
from cshub.assurance.metrics import Metrics, Percent, Period, Value
from cshub.assurance.metrics.audits import GRADE_KEYS, THEME_PREFIX
from cshub.assurance.metrics.demand import GENDERS, OPEN_AGE_BANDS
from cshub.assurance.metrics.publication import C, publish
from cshub.assurance.models import Commentary, Section
from cshub.caseaudits.models import Grade, Theme
from cshub.core.codes import ExploitationType
from cshub.core.dates import local_today
from cshub.disruption.models import DisruptionType
from cshub.reports import charts
from cshub.reports.charts import Chart
from cshub.reports.models import AnnualPart, AnnualText, ScrutinyCover
from cshub.reports.profile import Table

# The report's sections, in order: (part, the figures as (metric, label)).
ROWS: dict[str, list[tuple[str, str]]] = {
    AnnualPart.CONTEXT: [
        ("referrals.received", "Referrals received"),
        ("referrals.previously_open", "Referrals of children the hub had worked with before"),
        ("referrals.progressed", "Referrals opened to the hub"),
        ("children.worked_with", "Children the hub worked with"),
        ("episodes.open_at_end", "Children open to the hub on 31 March"),
        ("episodes.open_min", "Fewest children open on one day"),
        ("episodes.open_max", "Most children open on one day"),
        ("consultations.total", "Consultations: professionals asking the hub for advice"),
        ("area.children", "Children in the area flagged at risk of exploitation"),
        ("area.known_to_hub", "… known to the hub by the end of the year"),
    ],
    AnnualPart.CHILDREN: [
        ("children.worked_with.deprivation_1_3", "Children living in the 30% most deprived areas"),
    ],
    AnnualPart.MISSING: [
        ("missing.reports", "Missing episodes reported"),
        ("missing.children", "Children reported missing"),
        ("missing.repeat_children", "Children reported missing 3 or more times"),
        ("rhi.offered", "Returns where an interview was offered"),
        ("rhi.completed", "Return interviews completed"),
        ("rhi.within_72h", "Return interviews completed within 72 hours"),
    ],
    AnnualPart.IMPACT: [
        ("closures", "Episodes closed"),
        ("outcomes.eet", "In education, employment or training when the hub's work ended"),
        ("outcomes.stable_accommodation", "Living in stable accommodation when the hub's work ended"),
        ("outcomes.positive_relationship", "Had a positive, trusted relationship when the hub's work ended"),
        ("outcomes.missing_reduced", "Went missing less often than before the hub's work"),
        ("closures.reopened_within_6_months", "Closures followed by a new referral within 6 months"),
    ],
    AnnualPart.FEEDBACK: [
        ("feedback.child", "Children who gave feedback when the hub's work ended"),
        ("feedback.parent_carer", "Parents and carers who gave feedback"),
    ],
    AnnualPart.DISRUPTION: [
        ("disruption.total", "Disruptions done"),
        ("disruption.by_outcome.SUCCESSFUL", "… successful"),
        ("disruption.arrests", "Arrests"),
        ("disruption.charges", "Charges"),
        ("disruption.convictions", "Convictions"),
        ("disruption.children", "Children linked to a disrupted adult, place, vehicle or group"),
        ("operations.open_at_end", "Joint operations open on 31 March"),
        ("operations.closed", "Joint operations closed"),
    ],
    AnnualPart.QUALITY: [
        ("audits.completed", "Case audits completed"),
        ("audits.on_time", "Case audits completed by their due date"),
        ("audits.moderation.agreement", "Moderation gave the same overall grade"),
        ("audits.moderation.kappa", "Moderation agreement beyond chance (weighted kappa)"),
        ("audits.findings", "Findings recorded in case audits"),
        ("audits.actions.open", "Learning actions from audits open on 31 March"),
        ("audits.actions.overdue", "… past their due date"),
        ("assessments.within_4_weeks", "First assessments within 4 weeks of opening"),
        ("assessments.reviewer_agreement", "Manager agreed with the assessed risk level"),
    ],
}

SECTIONS = [
    AnnualPart.CONTEXT,
    AnnualPart.CHILDREN,
    AnnualPart.MISSING,
    AnnualPart.IMPACT,
    AnnualPart.FEEDBACK,
    AnnualPart.DISRUPTION,
    AnnualPart.QUALITY,
]

# The dashboard's section whose saved commentary for the same year stands in for a
# section's own text when none is written.
DASHBOARD_SECTION: dict[str, str] = {
    AnnualPart.CONTEXT: Section.DEMAND,
    AnnualPart.CHILDREN: Section.AREA,
    AnnualPart.MISSING: Section.MISSING,
    AnnualPart.IMPACT: Section.IMPACT,
    AnnualPart.DISRUPTION: Section.DISRUPTION,
    AnnualPart.QUALITY: Section.AUDITS,
}

QUESTIONS: dict[str, str] = {
    AnnualPart.CONTEXT: "How many children were referred to the hub, and how many did it work with?",
    AnnualPart.CHILDREN: "Who are the children the hub works with?",
    AnnualPart.MISSING: "How often were children reported missing, and were they offered a return interview in time?",
    AnnualPart.IMPACT: "What changed for children by the time the hub's work ended?",
    AnnualPart.FEEDBACK: "Did children and their parents and carers tell us what they thought of the hub's work?",
    AnnualPart.DISRUPTION: "What did the hub and its partners do about the adults, places and groups around children?",
    AnnualPart.QUALITY: "What do the hub's own case audits say about the quality of its work?",
}

# The key figures on the scrutiny cover report, the year beside the year before.
KEY_FIGURES = [
    "referrals.received",
    "children.worked_with",
    "missing.reports",
    "missing.children",
    "rhi.within_72h",
    "outcomes.eet",
    "outcomes.stable_accommodation",
    "outcomes.positive_relationship",
    "outcomes.missing_reduced",
    "feedback.child",
    "disruption.total",
    "audits.completed",
]

SOURCE_ANNUAL = "annual"
SOURCE_DASHBOARD = "dashboard"


@dataclass(frozen=True)
class ShownFigure:
    """One number as the report shows it: the metric, its field, which year, the value."""

    name: str
    field: str
    year: str  # "now" or "before"
    value: int | float | None  # None: suppressed ("c") or not defined


@dataclass(frozen=True)
class Row:
    name: str
    label: str
    now: str
    before: str
    change: str
    sentence: str


@dataclass(frozen=True)
class Text:
    text: str
    source: str  # SOURCE_ANNUAL or SOURCE_DASHBOARD
    written_by: str
    written_at: dt.datetime

    @property
    def from_dashboard(self) -> bool:
        return self.source == SOURCE_DASHBOARD


@dataclass
class AnnualSection:
    key: str
    title: str
    question: str
    number: int
    rows: list[Row] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    commentary: Text | None = None


@dataclass
class AnnualReport:
    year: int
    period: Period
    previous: Period
    published: bool
    introduction: Text | None
    sections: list[AnnualSection]
    last_priorities: Text | None
    priorities: Text | None
    key_rows: list[Row]
    shown: list[ShownFigure] = field(default_factory=list)

    @property
    def label(self) -> str:
        return year_label(self.year)

    @property
    def previous_label(self) -> str:
        return year_label(self.year - 1)

    @property
    def next_label(self) -> str:
        return year_label(self.year + 1)

    @property
    def title(self) -> str:
        return f"Complex Safeguarding Hub annual report {self.label}"


def year_label(year: int) -> str:
    """The reporting year starting in April `year`, the way reports name it: 2025 to 2026."""
    return f"{year} to {year + 1}"


def last_complete_year(today: dt.date | None = None) -> int:
    return reporting_year(today or local_today()) - 1


def years(today: dt.date | None = None) -> list[int]:
    """The complete reporting years a report can be made for, newest first."""
    last = last_complete_year(today)
    return list(range(last, last - 10, -1))


class Reader:
    """The figures of one year as the reader is given them (true values, or as published),
    noting each number it gives."""

    def __init__(self, metrics: Metrics, published: bool, which: str, log: list[ShownFigure]) -> None:
        self.metrics = metrics
        self.docs = publish(metrics) if published else None
        self.which, self.log = which, log

    def _field(self, name: str, key: str) -> int | float | None:
        result = self.metrics.get(name)
        if result is None:
            return None
        if self.docs is not None:
            value = self.docs.get(name, {}).get(key)
            shown = None if value == C else value
        else:
            shown = result.as_dict().get(key)
        self.log.append(ShownFigure(name, key, self.which, shown))
        return shown

    def number(self, name: str) -> int | None:
        """A count, or a percentage's numerator; None when suppressed."""
        key = "numerator" if isinstance(self.metrics.get(name), Percent) else "value"
        value = self._field(name, key)
        return None if value is None else int(value)

    def text(self, name: str) -> str:
        result = self.metrics.get(name)
        if result is None:
            return "Not available"
        if isinstance(result, Percent):
            percent = self._field(name, "percent")
            num, den = self._field(name, "numerator"), self._field(name, "denominator")
            if result.denominator == 0:
                return "No cases"
            if percent is None:  # suppressed: the count and its total say no more
                return C
            return f"{_pct(percent)} ({_n(num)} of {_n(den)})"
        if isinstance(result, Value):
            value = self._field(name, "value")
            return "Not enough data" if value is None else f"{value:g}"
        return _n(self._field(name, "value"))

    def share(self, name: str) -> str:
        """A percentage alone (a chart's table)."""
        result = self.metrics.get(name)
        if not isinstance(result, Percent):
            return ""
        if result.denominator == 0:
            return "–"  # noqa: RUF001 (GOV.UK: nothing to share out)
        return _pct(self._field(name, "percent"))

    def comparable(self, name: str) -> float | None:
        """The number a change is judged on (the percentage for a percentage); None when
        suppressed or undefined, so no direction gives a suppressed number away."""
        result = self.metrics.get(name)
        if result is None:
            return None
        key = "percent" if isinstance(result, Percent) else "value"
        if self.docs is not None:
            value = self.docs.get(name, {}).get(key)
            return None if value is None or value == C else float(value)
        raw = result.as_dict().get(key)
        return None if raw is None else float(raw)


def _n(value: Any) -> str:
    if value is None:
        return C
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


def _pct(value: Any) -> str:
    return C if value is None else f"{value:g}%"


def _row(name: str, label: str, now: Reader, before: Reader, previous_label: str) -> Row:
    a, b = now.text(name), before.text(name)
    x, y = now.comparable(name), before.comparable(name)
    percent = isinstance(now.metrics.get(name), Percent)
    if x is None or y is None:
        change, words = "Cannot compare", f"compared with {b}"
    elif round(x - y, 3) == 0:
        change, words = "No change", f"the same as {b}"
    else:
        diff = abs(round(x - y, 3))
        unit = " points" if percent else ""
        change = f"{'Up' if x > y else 'Down'} {diff:g}{unit}"
        words = f"{'up' if x > y else 'down'} from {b}"
    return Row(name, label, a, b, change, f"{label}: {_lower(a)}, {_lower(words)} in {previous_label}.")


def _lower(text: str) -> str:
    """ "No cases" and "Not enough data" inside a sentence."""
    return text.replace("No cases", "no cases").replace("Not enough data", "not enough data")


def _chart(title: str, reader: Reader, items: list[tuple[str, str]], *, shares: bool = True) -> Chart:
    """Bars with their table: the number and, for percentages, the engine's share."""
    chart = charts.bars(title, [(label, reader.number(name)) for label, name in items])
    if not shares:
        return chart
    rows = [
        (label, [cells[0], reader.share(name)])
        for (label, cells), (_, name) in zip(chart.rows, items, strict=True)
    ]
    return dataclasses.replace(chart, columns=["Number", "Share"], rows=rows)


def _commentary(part: str, texts: dict[str, AnnualText], dashboard: dict[str, Commentary]) -> Text | None:
    own = texts.get(part)
    if own is not None:
        return Text(own.text, SOURCE_ANNUAL, _name(own.written_by), own.written_at)
    section = DASHBOARD_SECTION.get(part)
    saved = dashboard.get(section) if section else None
    if saved is not None:
        return Text(saved.text, SOURCE_DASHBOARD, _name(saved.written_by), saved.written_at)
    return None


def _name(user: Any) -> str:
    return str(user.get_full_name() or user.username)


def _add(s: AnnualSection, chart: Chart) -> None:
    """The chart with its table; none when every number in it is 0 (nothing to draw)."""
    if all(cells[0] == "0" for _, cells in chart.rows):
        s.notes.append(f"{chart.title}: none this year.")
    else:
        s.charts.append(chart)


def _extras(part: str, s: AnnualSection, now: Reader) -> None:
    """A section's charts (each with its table) and tables beyond its figures."""
    if part == AnnualPart.CONTEXT:
        _add(
            s,
            _chart(
                "Referrals by main type of exploitation",
                now,
                [(str(t.label), f"referrals.by_primary_type.{t.value}") for t in ExploitationType],
            ),
        )
    elif part == AnnualPart.CHILDREN:
        _add(
            s,
            _chart(
                "Referrals by gender", now, [(GENDER_LABELS[g], f"referrals.by_gender.{g}") for g in GENDERS]
            ),
        )
        _add(
            s,
            _chart(
                "Children open to the hub on 31 March, by age",
                now,
                [(AGE_LABELS[b], f"episodes.open_at_end.by_age.{b}") for b in OPEN_AGE_BANDS],
            ),
        )
        s.notes.append(
            "Gender is as the child describes it where recorded. Ages are on the last day of the year."
        )
    elif part == AnnualPart.DISRUPTION:
        _add(
            s,
            _chart(
                "Disruptions by type",
                now,
                [(str(t.label), f"disruption.by_type.{t.value}") for t in DisruptionType],
            ),
        )
    elif part == AnnualPart.QUALITY:
        _add(
            s,
            _chart(
                "Case audits completed, by overall grade",
                now,
                [(str(Grade(g).label), f"audits.grade.{k}") for g, k in GRADE_KEYS.items()],
            ),
        )
        themes = dict(Theme.objects.values_list("pk", "name"))
        names = [n for n in now.metrics if n.startswith(THEME_PREFIX + ".")]
        s.tables.append(
            Table(
                "Findings by theme (a finding may have more than one theme)",
                ["Findings", "Share of findings"],
                [
                    (
                        themes.get(int(n.rsplit(".", 1)[1]), "Theme"),
                        [_n(now.number(n)), now.share(n)],
                    )
                    for n in names
                ],
                heading="Theme",
            )
        )


def build(year: int, *, published: bool) -> AnnualReport:
    """The annual report for the reporting year starting in April `year`."""
    period, previous = year_period(year), year_period(year - 1)
    metrics_now, metrics_before = cached.figures([period, previous])
    log: list[ShownFigure] = []
    now = Reader(metrics_now, published, "now", log)
    before = Reader(metrics_before, published, "before", log)
    prev_label = year_label(year - 1)
    texts = AnnualText.objects.latest_for(year)
    dashboard = Commentary.objects.latest_for(period.start, period.end)
    sections = []
    for i, part in enumerate(SECTIONS, start=1):
        s = AnnualSection(str(part), str(AnnualPart(part).label), QUESTIONS[part], i + 1)
        s.rows = [_row(name, label, now, before, prev_label) for name, label in ROWS[part]]
        _extras(part, s, now)
        s.commentary = _commentary(part, texts, dashboard)
        sections.append(s)
    labels = {name: label for rows in ROWS.values() for name, label in rows}
    key_rows = [_row(name, labels[name], now, before, prev_label) for name in KEY_FIGURES]
    return AnnualReport(
        year,
        period,
        previous,
        published,
        _commentary(AnnualPart.INTRODUCTION, texts, {}),
        sections,
        _commentary(AnnualPart.LAST_PRIORITIES, texts, {}),
        _commentary(AnnualPart.PRIORITIES, texts, {}),
        key_rows,
        log,
    )


def cover(year: int) -> ScrutinyCover | None:
    return ScrutinyCover.objects.latest_for(year)
