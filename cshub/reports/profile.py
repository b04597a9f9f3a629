"""The problem profile (docs/problem-profile.md): the picture of the area for a period,
section by section, as the page and the PDF show it. Figures come from `reports.figures`;
the published version runs them through the publication rules of the metrics engine
(small numbers and secondary suppression) and names no staff and no subject."""

from dataclasses import dataclass, field
from typing import Any

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.assurance.dashboard import AGE_LABELS, GENDER_LABELS
from cshub.assurance.metrics import Count, Metrics, Percent, Period
from cshub.assurance.metrics import disruption as disruption_figures
from cshub.assurance.metrics.demand import GENDERS, OPEN_AGE_BANDS
from cshub.assurance.metrics.publication import C, publish
from cshub.core.codes import Ethnicity, ExploitationType
from cshub.disruption.models import DisruptionType, Outcome
from cshub.intelligence.models import GroupKind, PlaceKind
from cshub.reports import charts, figures
from cshub.reports.charts import Chart
from cshub.reports.models import ProfileCommentary, ProfileSection

QUESTIONS = {
    ProfileSection.EXPLOITATION: "What are children referred to the hub exploited for, and is it changing?",
    ProfileSection.PLACES: "Where are children exploited: which places and wards come up most?",
    ProfileSection.NETWORKS: "Which groups and adults of concern are linked to children?",
    ProfileSection.DISRUPTION: "What did the hub and its partners do to disrupt the exploiters?",
    ProfileSection.CHILDREN: "Who are the children referred to the hub?",
    ProfileSection.MISSING: "When and from where do children go missing, and how often again?",
}
DAY_LABELS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
FROM_LABELS = {"home": "From home", "care": "From care", "not_recorded": "Not recorded"}
PER_CHILD_LABELS = {
    "1": "Once",
    "2": "Twice",
    "3_4": "3 or 4 times",
    "5_9": "5 to 9 times",
    "10_plus": "10 times or more",
}


@dataclass(frozen=True)
class Table:
    title: str
    columns: list[str]  # after the row heading's column
    rows: list[tuple[str, list[str]]]
    heading: str = ""  # the row headings' column


@dataclass
class Section:
    key: str
    title: str
    question: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    commentary: ProfileCommentary | None = None


@dataclass
class Profile:
    period: Period
    published: bool
    names: bool  # subjects named (readers with intelligence access; never published)
    sections: list[Section]


class Shown:
    """Each figure as the reader is given it: true values, or as published."""

    def __init__(self, metrics: Metrics, docs: dict[str, dict[str, Any]] | None) -> None:
        self.metrics, self.docs = metrics, docs

    def number(self, name: str) -> int | None:
        """The count (a percentage's numerator); None when suppressed."""
        result = self.metrics.get(name)
        key = "numerator" if isinstance(result, Percent) else "value"
        if self.docs is not None:
            value = self.docs.get(name, {}).get(key)
            return None if value == C or value is None else int(value)
        if isinstance(result, Percent):
            return result.numerator
        return result.value if isinstance(result, Count) else None

    def text(self, name: str) -> str:
        n = self.number(name)
        return C if n is None else f"{n:,}"

    def percent(self, name: str) -> str:
        result = self.metrics.get(name)
        if not isinstance(result, Percent):
            return ""
        if self.docs is not None and self.docs.get(name, {}).get("percent") == C:
            return C
        return "No cases" if result.percent is None else f"{result.percent:g}%"


def _ordered(shown: Shown, items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Most first by the number shown; suppressed ones last in their own order, so the order
    never tells what a suppressed number is."""
    known = [(label, name) for label, name in items if shown.number(name) is not None]
    hidden = [(label, name) for label, name in items if shown.number(name) is None]
    known.sort(key=lambda item: -(shown.number(item[1]) or 0))
    return known + hidden


def disruption_section(period: Period, user: User, *, published: bool = False) -> Section:
    """What the hub did about the exploiters in the period (`assurance.metrics.disruption`,
    docs/metrics.md "Disruption"): counts only, never a subject; in the published version
    small numbers suppressed, and secondarily within the types and the outcomes."""
    found: Metrics = disruption_figures.compute(period)
    docs = (
        publish(
            found,
            [
                ("disruption.by_type", "numerator", "disruption.total", "value"),
                ("disruption.by_outcome", "numerator", "disruption.total", "value"),
            ],
        )
        if published
        else None
    )
    shown = Shown(found, docs)
    s = Section(
        ProfileSection.DISRUPTION, ProfileSection.DISRUPTION.label, QUESTIONS[ProfileSection.DISRUPTION]
    )
    s.facts = [
        ("Disruptions done in the period", shown.text("disruption.total")),
        ("Children linked to a disrupted adult, place, vehicle or group", shown.text("disruption.children")),
        (
            "Arrests, charges and convictions",
            " · ".join(shown.text(f"disruption.{n}") for n in ("arrests", "charges", "convictions")),
        ),
        ("Joint operations open at the end of the period", shown.text("operations.open_at_end")),
        ("Joint operations closed in the period", shown.text("operations.closed")),
        ("Hotspots (places disrupted or linked to many children)", shown.text("disruption.hotspots")),
    ]
    total = shown.number("disruption.total")
    types = _ordered(shown, [(str(t.label), f"disruption.by_type.{t.value}") for t in DisruptionType])
    s.charts.append(
        charts.bars(
            "Disruptions by type", [(label, shown.number(name)) for label, name in types], share_of=total
        )
    )
    s.tables.append(
        Table(
            "Disruptions by outcome",
            ["Number", "Share"],
            [
                (
                    str(o.label),
                    [
                        shown.text(f"disruption.by_outcome.{o.value}"),
                        shown.percent(f"disruption.by_outcome.{o.value}"),
                    ],
                )
                for o in Outcome
            ],
            heading="Outcome",
        )
    )
    return s


def _exploitation(f: figures.Figures, shown: Shown) -> Section:
    s = Section(
        ProfileSection.EXPLOITATION, ProfileSection.EXPLOITATION.label, QUESTIONS[ProfileSection.EXPLOITATION]
    )
    s.facts = [("Children referred in the period", shown.text("referred.children"))]
    items = _ordered(shown, [(str(ExploitationType(t).label), f"types.{t}") for t in figures.TYPES])
    s.charts.append(
        charts.bars(
            "Children referred, by type of exploitation",
            [(label, shown.number(name)) for label, name in items],
            share_of=shown.number("referred.children"),
        )
    )
    present = [t for t in figures.TYPES if any(shown.number(f"types.{q.key}.{t}") != 0 for q in f.quarters)]
    if f.quarters and present:
        s.charts.append(
            charts.lines(
                "Children referred each quarter, by type of exploitation",
                [q.label for q in f.quarters],
                [
                    (str(ExploitationType(t).label), [shown.number(f"types.{q.key}.{t}") for q in f.quarters])
                    for t in present
                ],
            )
        )
    s.notes.append(
        "A child counts once under each type they were referred for in the period (the main type or "
        "another type on the referral), so the types add up to more than the children."
    )
    return s


def _places(f: figures.Figures, shown: Shown, names: bool) -> Section:
    s = Section(ProfileSection.PLACES, ProfileSection.PLACES.label, QUESTIONS[ProfileSection.PLACES])
    s.facts = [
        ("Places linked to children", shown.text("places.linked")),
        ("Children linked to a place", shown.text("places.children")),
        ("Links between children and places", shown.text("places.links")),
        (f"Hotspots: places linked to {f.threshold} children or more", shown.text("places.linked_to_n")),
    ]
    kinds = [(str(label), str(code)) for code, label in PlaceKind.choices]
    s.tables.append(
        Table(
            "Places by kind",
            ["Places", "Children linked"],
            [
                (
                    label,
                    [
                        shown.text(f"places.by_kind.{code}.subjects"),
                        shown.text(f"places.by_kind.{code}.children"),
                    ],
                )
                for label, code in kinds
                if f"places.by_kind.{code}.subjects" in f.metrics
            ],
            heading="Kind of place",
        )
    )
    wards = [(w, f"wards.{w}.children") for w in f.wards]
    if shown.docs is not None:
        wards = _ordered(shown, wards)
    s.tables.append(
        Table(
            f"The {figures.TOP} wards with the most children linked",
            ["Children linked", "Places", "Links"],
            [
                (w, [shown.text(name), shown.text(f"wards.{w}.places"), shown.text(f"wards.{w}.links")])
                for w, name in wards
            ],
            heading="Ward",
        )
    )
    if names:
        s.tables.append(
            Table(
                f"The {figures.TOP} places with the most children linked",
                ["Kind", "Ward", "Children linked", "Links"],
                [
                    (
                        p.name,
                        [
                            PlaceKind(p.kind).label if p.kind in PlaceKind.values else "",
                            p.ward,
                            str(p.children),
                            str(p.links),
                        ],
                    )
                    for p in f.places
                ],
                heading="Place",
            )
        )
    return s


def _networks(f: figures.Figures, shown: Shown, names: bool) -> Section:
    s = Section(ProfileSection.NETWORKS, ProfileSection.NETWORKS.label, QUESTIONS[ProfileSection.NETWORKS])
    s.facts = [
        ("Adults of concern linked to children", shown.text("adults.linked")),
        ("Children linked to an adult of concern", shown.text("adults.children")),
        (f"Adults of concern linked to {f.threshold} children or more", shown.text("adults.linked_to_n")),
        ("Groups linked to children", shown.text("groups.linked")),
        ("Children linked to a group", shown.text("groups.children")),
    ]
    s.tables.append(
        Table(
            "Groups by kind",
            ["Groups", "Children linked"],
            [
                (
                    str(label),
                    [
                        shown.text(f"groups.by_kind.{code}.subjects"),
                        shown.text(f"groups.by_kind.{code}.children"),
                    ],
                )
                for code, label in GroupKind.choices
                if f"groups.by_kind.{code}.subjects" in f.metrics
            ],
            heading="Kind of group",
        )
    )
    if names:
        s.tables.append(
            Table(
                f"The {figures.TOP} adults of concern linked to the most children",
                ["Children linked", "Links"],
                [(a.name, [str(a.children), str(a.links)]) for a in f.adults],
                heading="Adult of concern",
            )
        )
        s.tables.append(
            Table(
                f"The {figures.TOP} groups linked to the most children",
                ["Kind", "Children linked", "Links"],
                [
                    (
                        g.name,
                        [
                            GroupKind(g.kind).label if g.kind in GroupKind.values else "",
                            str(g.children),
                            str(g.links),
                        ],
                    )
                    for g in f.groups
                ],
                heading="Group",
            )
        )
    else:
        s.notes.append(
            "Counts only: adults of concern and groups are named for those who work with the children."
        )
    return s


def _children(shown: Shown) -> Section:
    s = Section(ProfileSection.CHILDREN, ProfileSection.CHILDREN.label, QUESTIONS[ProfileSection.CHILDREN])
    total = shown.number("referred.children")
    s.facts = [("Children referred in the period", shown.text("referred.children"))]
    s.charts.append(
        charts.bars(
            "Children referred, by age on the period's last day",
            [(AGE_LABELS[b], shown.number(f"ages.{b}")) for b in OPEN_AGE_BANDS],
            share_of=total,
        )
    )
    s.charts.append(
        charts.bars(
            "Children referred, by gender",
            [(GENDER_LABELS[g], shown.number(f"genders.{g}")) for g in GENDERS],
            share_of=total,
        )
    )
    labels = {**dict(Ethnicity.choices), figures.NOT_RECORDED: "Not recorded"}
    items = [
        (str(labels[e]), f"ethnicities.{e}")
        for e in figures.ETHNICITIES
        if shown.number(f"ethnicities.{e}") != 0
    ]
    s.charts.append(
        charts.bars(
            "Children referred, by ethnicity",
            [(label, shown.number(name)) for label, name in _ordered(shown, items)],
            share_of=total,
        )
    )
    return s


def _missing(shown: Shown) -> Section:
    s = Section(ProfileSection.MISSING, ProfileSection.MISSING.label, QUESTIONS[ProfileSection.MISSING])
    s.facts = [
        ("Missing episodes reported", shown.text("missing.reports")),
        ("Children reported missing", shown.text("missing.children")),
        (
            "Children missing 3 or more times",
            f"{shown.text('missing.repeat_children')} ({shown.percent('missing.repeat_children')})",
        ),
    ]
    reports = shown.number("missing.reports")
    s.charts.append(
        charts.columns(
            "Missing episodes by the day they were reported",
            [(d[:3], shown.number(f"missing.by_day.{i + 1}")) for i, d in enumerate(DAY_LABELS)],
        )
    )
    s.charts.append(
        charts.columns(
            "Missing episodes by the hour they were reported (UK time)",
            [(f"{h:02d}", shown.number(f"missing.by_hour.{h}")) for h in range(24)],
            every=3,
        )
    )
    s.charts.append(
        charts.bars(
            "Missing episodes from home and from care",
            [(FROM_LABELS[w], shown.number(f"missing.from.{w}")) for w in figures.FROM],
            share_of=reports,
        )
    )
    s.charts.append(
        charts.bars(
            "Children by how many times they were reported missing",
            [
                (PER_CHILD_LABELS[b], shown.number(f"missing.episodes_per_child.{b}"))
                for b in figures.EPISODES_PER_CHILD
            ],
            share_of=shown.number("missing.children"),
        )
    )
    return s


def build(period: Period, user: User, *, published: bool) -> Profile:
    names = user.has(Perm.VIEW_INTELLIGENCE) and not published
    f = figures.compute(period, user, published=published, names=names)
    docs = publish(f.metrics, figures.breakdowns(f)) if published else None
    shown = Shown(f.metrics, docs)
    disruption = disruption_section(period, user, published=published)
    sections = [
        _exploitation(f, shown),
        _places(f, shown, names),
        _networks(f, shown, names),
        disruption,
        _children(shown),
        _missing(shown),
    ]
    latest = ProfileCommentary.objects.latest_for(period.start, period.end)
    for section in sections:
        section.commentary = latest.get(section.key)
    return Profile(period, published, names, sections)
