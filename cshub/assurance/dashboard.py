"""What the performance dashboard shows: the figures of each section with plain-English
labels, the previous period beside them, and charts with their tables. The numbers come
only from metrics.compute()."""

import datetime as dt
from dataclasses import dataclass

from cshub.assurance.metrics import Count, Metrics, Percent, Period, Value
from cshub.assurance.metrics.area import AREA_AGE_BANDS, DECILES, ETHNICITY_GROUPS, NOT_RECORDED
from cshub.assurance.metrics.audits import GRADE_KEYS
from cshub.assurance.metrics.base import Result
from cshub.assurance.metrics.demand import GENDERS, OPEN_AGE_BANDS
from cshub.assurance.models import Section
from cshub.caseaudits.models import Grade
from cshub.core.codes import Agency, Ethnicity, ExploitationType
from cshub.disruption.models import DisruptionType
from cshub.register.models import Concern

ROWS: dict[str, list[tuple[str, str]]] = {
    Section.DEMAND: [
        ("referrals.received", "Referrals received"),
        ("referrals.previously_open", "Referrals of children open to the hub before"),
        ("referrals.progressed", "Referrals opened to the hub"),
        ("children.worked_with", "Children worked with"),
        ("episodes.open_at_end", "Children open to the hub at the end of the period"),
        ("episodes.open_min", "Fewest children open on one day"),
        ("episodes.open_max", "Most children open on one day"),
        ("children.worked_with.deprivation_1_3", "Children living in the 30% most deprived areas"),
    ],
    Section.MISSING: [
        ("missing.reports", "Missing episodes reported"),
        ("missing.children", "Children reported missing"),
        ("missing.repeat_children", "Children missing 3 or more times"),
        ("rhi.offered", "Returns where an interview was offered"),
        ("rhi.completed", "Return interviews completed"),
        ("rhi.within_72h", "Return interviews completed within 72 hours"),
    ],
    Section.IMPACT: [
        ("closures", "Episodes closed"),
        ("outcomes.eet", "In education, employment or training at closure"),
        ("outcomes.stable_accommodation", "Living in stable accommodation at closure"),
        ("outcomes.positive_relationship", "Has a positive, trusted relationship at closure"),
        ("outcomes.missing_reduced", "Missing less often than before the hub's work"),
        ("feedback.child", "Feedback from the child"),
        ("feedback.parent_carer", "Feedback from a parent or carer"),
    ],
    Section.PRACTICE: [
        ("assessments.completed", "Exploitation risk assessments completed"),
        ("assessments.within_4_weeks", "First assessments within 4 weeks of opening"),
        ("assessments.reviewer_agreement", "Manager agreed with the assessed risk level"),
        ("assessments.reviewer_agreement.kappa", "Agreement beyond chance (weighted kappa)"),
        ("closures.reopened_within_6_months", "Closures followed by a new referral within 6 months"),
        ("closures.reopened_within_6_months.LOW", "… where the last assessed risk was low"),
        ("closures.reopened_within_6_months.MEDIUM", "… where the last assessed risk was medium"),
        ("closures.reopened_within_6_months.HIGH", "… where the last assessed risk was high"),
        ("supervision.overdue", "Open episodes with no supervision in the last 28 days"),
    ],
    Section.DISRUPTION: [
        ("disruption.total", "Disruptions (done, breached or expired)"),
        ("disruption.by_outcome.SUCCESSFUL", "… successful"),
        ("disruption.arrests", "Arrests"),
        ("disruption.charges", "Charges"),
        ("disruption.convictions", "Convictions"),
        ("disruption.children", "Children linked to a disrupted adult, place, vehicle or group"),
        ("disruption.hotspots", "Hotspots: places disrupted or linked to several children"),
        ("operations.open_at_end", "Joint operations open at the end of the period"),
        ("operations.closed", "Joint operations closed"),
    ],
    Section.CONSULTATIONS: [
        ("consultations.total", "Consultations: professionals asking the hub for advice"),
        (
            "consultations.to_referral_30d",
            "Consultations about a named child followed by a referral to the hub within 30 days",
        ),
        ("consultations.repeat", "Children discussed in 2 or more consultations"),
        ("consultations.follow_up.median_days", "Median days from a consultation to its follow-up"),
    ],
    Section.AREA: [
        ("area.children", "Children flagged at risk of exploitation in the area"),
        ("area.known_to_hub", "… known to the hub by the end of the period"),
        ("area.seen_at_daily_meeting", "… discussed at the daily meeting"),
    ],
    Section.AUDITS: [
        ("audits.completed", "Case audits completed"),
        ("audits.grade.outstanding", "… graded outstanding"),
        ("audits.grade.good", "… graded good"),
        ("audits.grade.requires_improvement", "… graded requires improvement"),
        ("audits.grade.inadequate", "… graded inadequate"),
        ("audits.on_time", "Case audits completed by their due date"),
        ("audits.moderation.agreement", "Moderation gave the same overall grade"),
        ("audits.moderation.kappa", "Moderation agreement beyond chance (weighted kappa)"),
        ("audits.actions.open", "Learning actions from audits open at the end of the period"),
        ("audits.actions.overdue", "… past their due date"),
    ],
}

QUESTIONS: dict[str, str] = {
    Section.DEMAND: "Who is referred, who do we work with, and how many at once?",
    Section.MISSING: "Are children who go missing offered and given a return interview in time?",
    Section.IMPACT: "What difference are we making for children when our work ends?",
    Section.PRACTICE: "How well are we doing the work: timely, agreed assessments, and safe closures?",
    Section.DISRUPTION: "What did the hub do about the adults, places and groups around children?",
    Section.CONSULTATIONS: "Who asks the hub for advice about a child, and what happens next?",
    Section.AREA: (
        "How many children in the area are at risk of exploitation, wherever their case is held, "
        "and does the hub know them?"
    ),
    Section.AUDITS: "What do our own case audits say about the quality of our work, and do we act on it?",
}

AGE_LABELS = {
    "under_11": "Under 11",
    "11_12": "11 to 12",
    "13_14": "13 to 14",
    "15_16": "15 to 16",
    "17": "17",
    "18_plus": "18 and over",
    "not_known": "Date of birth not known",
}
GENDER_LABELS = {
    "male": "Boys and young men",
    "female": "Girls and young women",
    "self_described": "Self-described",
    "not_known": "Not known",
}


def _decile_label(decile: str) -> str:
    if decile == "unknown":
        return "Not known (no address)"
    return f"Decile {decile}" + (" (most deprived)" if decile == "1" else "")


def _ethnicity_label(code: str) -> str:
    return "Not recorded" if code == NOT_RECORDED else str(Ethnicity(code).label)


def month_label(key: str) -> str:
    """'2026-11' as 'November 2026'."""
    return dt.date(int(key[:4]), int(key[5:]), 1).strftime("%B %Y")


# A chart's groups: (key, label) pairs, or None for every figure under the prefix, in order
# (months, which depend on the period), labelled by month.
CHARTS: dict[str, list[tuple[str, str, list[tuple[str, str]] | None]]] = {
    Section.DEMAND: [
        (
            "Referrals by main type of exploitation",
            "referrals.by_primary_type",
            [(str(t.value), str(t.label)) for t in ExploitationType],
        ),
        ("Referrals by gender", "referrals.by_gender", [(g, GENDER_LABELS[g]) for g in GENDERS]),
        (
            "Children open at the end of the period, by age",
            "episodes.open_at_end.by_age",
            [(b, AGE_LABELS[b]) for b in OPEN_AGE_BANDS],
        ),
    ],
    Section.DISRUPTION: [
        ("Disruptions by type", "disruption.by_type", [(str(t.value), str(t.label)) for t in DisruptionType]),
    ],
    Section.CONSULTATIONS: [
        (
            "Consultations by the caller's agency",
            "consultations.by_agency",
            [(str(a.value), str(a.label)) for a in Agency],
        ),
    ],
    Section.AREA: [
        (
            "Children flagged, by what they are at risk of (a child may be at risk of more than one)",
            "area.by_concern",
            [(str(c.value), str(c.label)) for c in Concern],
        ),
        (
            "Children flagged, by age at the end of the period",
            "area.by_age_band",
            [(b, AGE_LABELS[b]) for b in AREA_AGE_BANDS],
        ),
        ("Children flagged, by gender", "area.by_gender", [(g, GENDER_LABELS[g]) for g in GENDERS]),
        (
            "Children flagged, by ethnicity",
            "area.by_ethnicity_group",
            [(e, _ethnicity_label(e)) for e in ETHNICITY_GROUPS],
        ),
        (
            "Children flagged, by deprivation decile of their home",
            "area.by_imd_decile",
            [(d, _decile_label(d)) for d in DECILES],
        ),
        ("Children newly flagged, by month of their first flag", "area.new_flags", None),
    ],
    Section.AUDITS: [
        (
            "Case audits completed, by overall grade",
            "audits.grade",
            [(key, str(Grade(grade).label)) for grade, key in GRADE_KEYS.items()],
        ),
    ],
}


def show(result: Result | None) -> str:
    if result is None:
        return "Not available"
    if isinstance(result, Percent):
        return "No cases" if result.percent is None else f"{result.percent:g}%"
    if isinstance(result, Value):
        return "Not enough data" if result.value is None else f"{result.value:g}"
    if isinstance(result, Count):
        return f"{result.value:,}"
    return "See the table"


def _number(result: Result | None) -> float | None:
    if isinstance(result, Percent):
        return result.percent
    if isinstance(result, (Count, Value)):
        return None if result.value is None else float(result.value)
    return None


def change(now: Result | None, before: Result | None) -> str:
    """The direction of change in words (not colour): up, down or the same."""
    a, b = _number(now), _number(before)
    if a is None or b is None:
        return "Cannot compare"
    diff = round(a - b, 3)
    if diff == 0:
        return "No change"
    unit = " points" if isinstance(now, Percent) else ""
    return f"{'Up' if diff > 0 else 'Down'} {abs(diff):g}{unit}"


@dataclass(frozen=True)
class Row:
    label: str
    name: str
    value: str
    detail: str
    previous: str
    change: str


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    percent: float
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
class Chart:
    title: str
    bars: list[Bar]
    total: int
    height: int
    shares: bool = True  # False: counts only (months), no share column


def rows(section: str, now: Metrics, before: Metrics) -> list[Row]:
    out = []
    for name, label in ROWS[section]:
        result = now.get(name)
        detail = f"{result.numerator:,} of {result.denominator:,}" if isinstance(result, Percent) else ""
        out.append(
            Row(label, name, show(result), detail, show(before.get(name)), change(result, before.get(name)))
        )
    return out


def charts(section: str, now: Metrics) -> list[Chart]:
    out = []
    for title, prefix, given in CHARTS.get(section, []):
        groups = given
        if groups is None:  # every figure under the prefix: months
            keys = [n[len(prefix) + 1 :] for n in now if n.startswith(prefix + ".")]
            groups = [(key, month_label(key)) for key in keys]
        results = [(label, now.get(f"{prefix}.{key}")) for key, label in groups]
        counts = [
            (
                label,
                r.numerator if isinstance(r, Percent) else r.value if isinstance(r, Count) else 0,
                r.percent if isinstance(r, Percent) else None,
            )
            for label, r in results
        ]
        total = sum(c for _, c, _ in counts)
        biggest = max((c for _, c, _ in counts), default=0) or 1
        bars = [
            Bar(label, c, p or 0.0, round(260 * c / biggest, 1), 30 * i)
            for i, (label, c, p) in enumerate(counts)
        ]
        shares = any(isinstance(r, Percent) for _, r in results)
        out.append(Chart(title, bars, total, 30 * len(bars), shares))
    return out


def reporting_year(day: dt.date) -> int:
    """The year a reporting year (1 April to 31 March) starts in."""
    return day.year if day.month >= 4 else day.year - 1


def year_period(start_year: int) -> Period:
    return Period(dt.date(start_year, 4, 1), dt.date(start_year + 1, 3, 31))


def quarter_period(start_year: int, quarter: int) -> Period:
    """Quarter 1 is April to June of the reporting year starting in start_year."""
    month = 4 + 3 * (quarter - 1)
    year = start_year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    start = dt.date(year, month, 1)
    end_month = month + 3
    end = dt.date(year + (end_month - 1) // 12, (end_month - 1) % 12 + 1, 1) - dt.timedelta(days=1)
    return Period(start, end)


@dataclass(frozen=True)
class Disproportion:
    dimension: str
    group: str
    referrals: int
    referral_share: float | None
    population_share: float | None
    rate_ratio: float | None
    interval: str
    flag: str


DIMENSION_LABELS = {
    "gender": "Gender",
    "ethnicity": "Ethnicity",
    "age_band": "Age band",
    "imd_decile": "Deprivation decile",
}


def _group_label(dimension: str, group: str) -> str:
    if dimension == "gender":
        return GENDER_LABELS.get(group, group)
    if dimension == "age_band":
        return AGE_LABELS.get(group, group)
    if dimension == "ethnicity":
        from cshub.core.codes import Ethnicity

        return Ethnicity(group).label if group in Ethnicity.values else group
    return f"Decile {group}" + (" (most deprived)" if group == "1" else "")


def disproportionality(now: Metrics) -> dict[str, list[Disproportion]]:
    """Rows per dimension, in the order the reference population lists them."""
    from cshub.assurance.metrics.disproportionality import RateRatio

    tables: dict[str, list[Disproportion]] = {}
    for name, result in now.items():
        if not isinstance(result, RateRatio):
            continue
        _, dimension, group = name.split(".", 2)
        d = result.as_dict()
        interval = "" if d["ci_low"] is None else f"{d['ci_low']:.2f} to {d['ci_high']:.2f}"
        flag = {"over-represented": "Over-represented", "under-represented": "Under-represented"}.get(
            d["flag"] or "", ""
        )
        tables.setdefault(DIMENSION_LABELS.get(dimension, dimension), []).append(
            Disproportion(
                dimension,
                _group_label(dimension, group),
                d["referrals"],
                d["referral_share"],
                d["population_share"],
                d["rate_ratio"],
                interval,
                flag,
            )
        )
    return tables
