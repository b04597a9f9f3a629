"""The problem profile's figures, each computed in the database (docs/problem-profile.md).

Figures are `Count`s and `Percent`s of the metrics engine, named as below, so the
publication rules of `assurance.metrics.publication` (small numbers, secondary
suppression) apply to them unchanged. The figures the engine already has (missing
reports, children missing, repeat missing) come from the engine, so the profile and the
dashboard cannot disagree. Lists that name subjects (`Named`) are read only for readers
who may see intelligence, and never for the published version."""

from dataclasses import dataclass, field

from django.db.models import Case as SqlCase
from django.db.models import Count, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Cast, Coalesce, ExtractHour, ExtractIsoWeekDay

from cshub.access.models import User
from cshub.assurance import dashboard
from cshub.assurance.metrics import Count as CountResult
from cshub.assurance.metrics import Metrics, Percent, Period
from cshub.assurance.metrics import missing as missing_metrics
from cshub.assurance.metrics.demand import GENDERS, OPEN_AGE_BANDS, _band, age_on, received, reporting_gender
from cshub.core.codes import Ethnicity, ExploitationType
from cshub.core.dates import LONDON
from cshub.intelligence.alerts import adult_threshold
from cshub.intelligence.analysis import readable_links
from cshub.intelligence.models import Handling, Link, SubjectKind
from cshub.people.models import Person, PersonType

TYPES = list(ExploitationType.values)
NOT_RECORDED = "NOT_RECORDED"
ETHNICITIES = [*Ethnicity.values, NOT_RECORDED]
DAYS = ["1", "2", "3", "4", "5", "6", "7"]  # ISO: Monday is 1
HOURS = [str(h) for h in range(24)]
FROM = ["home", "care", "not_recorded"]
EPISODES_PER_CHILD = ["1", "2", "3_4", "5_9", "10_plus"]
TOP = 10


@dataclass(frozen=True)
class Quarter:
    key: str  # "q1", "q2", … in order
    label: str
    period: Period


@dataclass(frozen=True)
class Named:
    """A subject named in the profile (for readers who may see intelligence)."""

    name: str
    kind: str
    ward: str
    children: int
    links: int


@dataclass
class Figures:
    period: Period
    metrics: Metrics
    quarters: list[Quarter]
    wards: list[str]  # the wards with the most children linked, most first
    threshold: int
    places: list[Named] = field(default_factory=list)
    adults: list[Named] = field(default_factory=list)
    groups: list[Named] = field(default_factory=list)


def quarters(period: Period) -> list[Quarter]:
    """The reporting quarters the period touches, each cut to the period."""
    out: list[Quarter] = []
    year = dashboard.reporting_year(period.start)
    q = (period.start.month - 4) % 12 // 3 + 1
    while True:
        whole = dashboard.quarter_period(year, q)
        if whole.start > period.end:
            return out
        cut = Period(max(whole.start, period.start), min(whole.end, period.end))
        label = (
            f"{cut.start:%b} to {cut.end:%b %Y}" if cut.start.month != cut.end.month else f"{cut.start:%b %Y}"
        )
        out.append(Quarter(f"q{len(out) + 1}", label, cut))
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)


def _referrals_of_children(period: Period) -> QuerySet:  # type: ignore[type-arg]
    return (
        received(period)
        .filter(person__person_type=PersonType.CHILD)
        .alias(other=Cast("other_types", TextField()))
    )


def _of_type(t: str) -> Q:
    # other_types is a JSON list of codes; matched in its text, as JSON containment is not
    # on every SQLite build (intelligence.analysis does the same for agencies)
    return Q(primary_type=t) | Q(other__contains=f'"{t}"')


def exploitation(period: Period, qs: list[Quarter]) -> Metrics:
    """Children referred in the period by type of exploitation (the referral's main type or
    one of its other types): a child counts once under each type, however many referrals."""
    refs = _referrals_of_children(period)
    per_type = {t: Count("person", distinct=True, filter=_of_type(t)) for t in TYPES}
    totals = refs.aggregate(children=Count("person", distinct=True), **per_type)
    out: Metrics = {"referred.children": CountResult(totals["children"])}
    out |= {f"types.{t}": Percent(totals[t], totals["children"]) for t in TYPES}
    if qs:
        which = SqlCase(
            *[
                When(received_date__gte=q.period.start, received_date__lte=q.period.end, then=Value(q.key))
                for q in qs
            ],
            default=Value(""),
        )
        rows = {
            row["q"]: row
            for row in refs.annotate(q=which)
            .values("q")
            .annotate(children=Count("person", distinct=True), **per_type)
            .order_by()
        }
        for q in qs:
            row = rows.get(q.key, {})
            n = row.get("children", 0)
            out[f"quarter.{q.key}.children"] = CountResult(n)
            out |= {f"types.{q.key}.{t}": Percent(row.get(t, 0), n) for t in TYPES}
    return out


def children(period: Period) -> Metrics:
    """The children referred in the period: age on the period's last day (today while it
    has not ended), gender for reporting, ethnicity."""
    cohort = Person.objects.filter(person_type=PersonType.CHILD, pk__in=received(period).values("person_id"))
    total = cohort.count()
    day = period.measured_on
    ages: dict[str, int] = dict(
        cohort.annotate(age=age_on(day))  # type: ignore[no-redef]  # _band() reads "age"
        .annotate(band=_band())
        .values_list("band")
        .annotate(n=Count("id"))
        .order_by()
    )
    genders = dict(cohort.annotate(g=reporting_gender()).values_list("g").annotate(n=Count("id")).order_by())
    ethnic = dict(
        cohort.annotate(e=Coalesce("ethnicity", Value("")))
        .values_list("e")
        .annotate(n=Count("id"))
        .order_by()
    )
    ethnic[NOT_RECORDED] = ethnic.pop("", 0)
    return {
        **{f"ages.{b}": Percent(ages.get(b, 0), total) for b in OPEN_AGE_BANDS},
        **{f"genders.{g}": Percent(genders.get(g, 0), total) for g in GENDERS},
        **{f"ethnicities.{e}": Percent(ethnic.get(e, 0), total) for e in ETHNICITIES},
    }


def missing(period: Period) -> Metrics:
    """Missing episodes reported in the period (as `missing.reports`) by day of the week and
    hour of the day they were reported (UK time), from home or care; children by how many
    episodes they had."""
    engine = missing_metrics.compute(period)
    reported = missing_metrics.reported(period)
    total = reported.count()
    days = dict(
        reported.annotate(d=ExtractIsoWeekDay("reported_at", tzinfo=LONDON))
        .values_list("d")
        .annotate(n=Count("id"))
        .order_by()
    )
    hours = dict(
        reported.annotate(h=ExtractHour("reported_at", tzinfo=LONDON))
        .values_list("h")
        .annotate(n=Count("id"))
        .order_by()
    )
    where = reported.aggregate(
        home=Count("id", filter=Q(from_care=False)),
        care=Count("id", filter=Q(from_care=True)),
        not_recorded=Count("id", filter=Q(from_care__isnull=True)),
    )
    per_child = (
        missing_metrics.reported_about_children(period).values("person").annotate(n=Count("id")).order_by()
    )
    bins = per_child.aggregate(
        **{
            "1": Count("person", filter=Q(n=1)),
            "2": Count("person", filter=Q(n=2)),
            "3_4": Count("person", filter=Q(n__gte=3, n__lte=4)),
            "5_9": Count("person", filter=Q(n__gte=5, n__lte=9)),
            "10_plus": Count("person", filter=Q(n__gte=10)),
        }
    )
    n_children = engine["missing.children"]
    assert isinstance(n_children, CountResult)
    return {
        "missing.reports": engine["missing.reports"],
        "missing.children": n_children,
        "missing.repeat_children": engine["missing.repeat_children"],
        **{f"missing.by_day.{d}": Percent(days.get(int(d), 0), total) for d in DAYS},
        **{f"missing.by_hour.{h}": Percent(hours.get(int(h), 0), total) for h in HOURS},
        **{f"missing.from.{w}": Percent(where[w], total) for w in FROM},
        **{f"missing.episodes_per_child.{b}": Percent(bins[b], n_children.value) for b in EPISODES_PER_CHILD},
    }


def links_seen_in(period: Period, links: QuerySet[Link]) -> QuerySet[Link]:
    """Links seen on a day of the period: from first to last seen (one date: that day;
    neither: the day it was recorded, UK time)."""
    return links.alias(
        seen_from=Coalesce("first_seen", "last_seen"), seen_to=Coalesce("last_seen", "first_seen")
    ).filter(
        Q(seen_from__lte=period.end, seen_to__gte=period.start)
        | Q(first_seen__isnull=True, last_seen__isnull=True, **period.timestamps("recorded_at"))
    )


def child_links(period: Period, user: User, *, published: bool) -> QuerySet[Link]:
    """The links from children to confirmed subjects seen in the period that the reader may
    read (intelligence's rule: handling code C only for the agencies and people it names);
    the published version counts code P links only."""
    links = readable_links(user, 0).filter(child__isnull=False, child__person_type=PersonType.CHILD)
    if published:
        links = links.filter(handling=Handling.SHARE)
    return links_seen_in(period, links)


def intelligence(
    period: Period, user: User, *, published: bool, names: bool
) -> tuple[Metrics, list[str], dict[str, list[Named]]]:
    """Places, wards, hotspots, groups and adults of concern: counts for everyone; the
    subjects named (`names`) for readers who may see intelligence."""
    links = child_links(period, user, published=published)
    n = adult_threshold()
    out: Metrics = {}
    by_subject = (
        links.values("subject").annotate(children=Count("child", distinct=True), k=Count("id")).order_by()
    )
    for kind, key in (
        (SubjectKind.PLACE, "places"),
        (SubjectKind.ADULT, "adults"),
        (SubjectKind.GROUP, "groups"),
    ):
        mine = links.filter(subject__kind=kind)
        totals = mine.aggregate(
            subjects=Count("subject", distinct=True),
            children=Count("child", distinct=True),
            links=Count("id"),
        )
        out[f"{key}.linked"] = CountResult(totals["subjects"])
        out[f"{key}.children"] = CountResult(totals["children"])
        out[f"{key}.links"] = CountResult(totals["links"])
        out[f"{key}.linked_to_n"] = CountResult(
            by_subject.filter(subject__kind=kind, children__gte=n).count()
        )
    for kind_field, key, choices in (
        ("subject__place_kind", "places.by_kind", "PLACE"),
        ("subject__group_kind", "groups.by_kind", "GROUP"),
    ):
        rows = (
            links.filter(subject__kind=choices)
            .values(kind_field)
            .annotate(s=Count("subject", distinct=True), c=Count("child", distinct=True))
            .order_by()
        )
        for row in rows:
            code = row[kind_field] or "OTHER"
            out[f"{key}.{code}.subjects"] = CountResult(row["s"])
            out[f"{key}.{code}.children"] = CountResult(row["c"])
    wards = list(
        links.filter(subject__kind=SubjectKind.PLACE)
        .values("subject__ward")
        .annotate(c=Count("child", distinct=True), k=Count("id"), s=Count("subject", distinct=True))
        .order_by("-c", "-k", "subject__ward")[:TOP]
    )
    ward_names = []
    for row in wards:
        ward = row["subject__ward"] or "Ward not recorded"
        ward_names.append(ward)
        out[f"wards.{ward}.children"] = CountResult(row["c"])
        out[f"wards.{ward}.links"] = CountResult(row["k"])
        out[f"wards.{ward}.places"] = CountResult(row["s"])
    named: dict[str, list[Named]] = {}
    if names and not published:
        visible = Person.objects.visible_to(user)
        for kind, key in (
            (SubjectKind.PLACE, "places"),
            (SubjectKind.ADULT, "adults"),
            (SubjectKind.GROUP, "groups"),
        ):
            rows = list(
                links.filter(subject__kind=kind)
                .values(
                    "subject",
                    "subject__name",
                    "subject__place_kind",
                    "subject__group_kind",
                    "subject__ward",
                    "subject__person",
                )
                .annotate(children=Count("child", distinct=True), k=Count("id"))
                .order_by("-children", "-k", "subject__name", "subject")[:TOP]
            )
            people = set(
                visible.filter(
                    pk__in=[r["subject__person"] for r in rows if r["subject__person"]]
                ).values_list("pk", flat=True)
            )
            named[key] = [
                Named(
                    "A restricted record"
                    if r["subject__person"] and r["subject__person"] not in people
                    else r["subject__name"],
                    r["subject__place_kind"] or r["subject__group_kind"] or "",
                    r["subject__ward"],
                    r["children"],
                    r["k"],
                )
                for r in rows
            ]
    return out, ward_names, named


def compute(period: Period, user: User, *, published: bool, names: bool) -> Figures:
    qs = quarters(period)
    metrics: Metrics = {**exploitation(period, qs), **children(period), **missing(period)}
    intel, wards, named = intelligence(period, user, published=published, names=names)
    metrics |= intel
    return Figures(
        period,
        metrics,
        qs,
        wards,
        adult_threshold(),
        places=named.get("places", []),
        adults=named.get("adults", []),
        groups=named.get("groups", []),
    )


def breakdowns(figures: Figures) -> list[tuple[str, str, str, str]]:
    """(cells' prefix, field, total, total's field) for secondary suppression."""
    found = [
        ("types", "numerator", "referred.children", "value"),
        ("ages", "numerator", "referred.children", "value"),
        ("genders", "numerator", "referred.children", "value"),
        ("ethnicities", "numerator", "referred.children", "value"),
        ("missing.by_day", "numerator", "missing.reports", "value"),
        ("missing.by_hour", "numerator", "missing.reports", "value"),
        ("missing.from", "numerator", "missing.reports", "value"),
        ("missing.episodes_per_child", "numerator", "missing.children", "value"),
    ]
    found += [(f"types.{q.key}", "numerator", f"quarter.{q.key}.children", "value") for q in figures.quarters]
    return found
