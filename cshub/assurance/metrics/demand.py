"""Demand: referrals, children worked with, episodes open (docs/metrics.md, "Demand")."""

import datetime as dt

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.lookups import Exact, GreaterThan

from cshub.assurance.metrics.base import Count as CountResult
from cshub.assurance.metrics.base import Metrics, Percent, Period
from cshub.assurance.metrics.sqlfns import day as day_of
from cshub.assurance.metrics.sqlfns import month, year
from cshub.casework.models import Episode
from cshub.core.codes import ExploitationType
from cshub.people.models import Address, Person, PersonType
from cshub.referrals.models import Decision, Referral

GENDERS = ["male", "female", "self_described", "not_known"]
AGE_BANDS = ["under_11", "11_12", "13_14", "15_16", "17", "18_plus"]
# A child with no date of birth is in no age band: counted as not known (never as 18 and over).
NOT_KNOWN_AGE = "not_known"
OPEN_AGE_BANDS = [*AGE_BANDS, NOT_KNOWN_AGE]


def reporting_gender(prefix: str = "") -> Case:
    """Gender for reporting (interchange.md): pers_gender when present, else pers_sex."""
    g, s = f"{prefix}gender", f"{prefix}sex"
    return Case(
        When(**{g: "01"}, then=Value("male")),
        When(**{g: "02"}, then=Value("female")),
        When(**{g: "09"}, then=Value("self_described")),
        When(**{g: "00"}, then=Value("not_known")),
        When(**{s: "M"}, then=Value("male")),
        When(**{s: "F"}, then=Value("female")),
        default=Value("not_known"),
        output_field=CharField(),
    )


def age_on(day: dt.date, prefix: str = "") -> Case:
    """Completed years on a date, in SQL (a 29 February birthday counts from 1 March)."""
    dob = F(f"{prefix}date_of_birth")
    not_yet = Q(GreaterThan(month(dob), day.month)) | Q(
        Exact(month(dob), day.month), GreaterThan(day_of(dob), day.day)
    )
    return Case(
        When(not_yet, then=Value(day.year - 1) - year(dob)),
        default=Value(day.year) - year(dob),
        output_field=IntegerField(),
    )


def home_decile(day: dt.date) -> Subquery:
    """The IMD decile of a person's home address on a day (interchange.md): the address in
    force that day that started last (of two starting the same day, the one recorded last);
    null with no such address or no decile. For a queryset of people."""
    return Subquery(
        Address.objects.filter(person=OuterRef("pk"), start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .order_by("-start_date", "-id")
        .values("imd_decile")[:1]
    )


def _breakdown(prefix: str, counts: dict[str, int], keys: list[str], total: int) -> Metrics:
    return {f"{prefix}.{key}": Percent(counts.get(key, 0), total) for key in keys}


def received(period: Period) -> "QuerySet[Referral]":
    return Referral.objects.filter(**period.dates("received_date"))


def previously_open(period: Period) -> "QuerySet[Referral]":
    earlier = Episode.objects.filter(person=OuterRef("person"), close_date__lt=OuterRef("received_date"))
    return received(period).filter(Exists(earlier))


def progressed(period: Period) -> "QuerySet[Referral]":
    return received(period).filter(decision=Decision.OPEN)


def referrals(period: Period) -> Metrics:
    received_ = received(period)
    total = received_.count()
    by_type = dict(received_.values_list("primary_type").annotate(n=Count("id")).order_by())
    by_gender = dict(
        received_.annotate(g=reporting_gender("person__")).values_list("g").annotate(n=Count("id")).order_by()
    )
    n_previously_open = previously_open(period).count()
    n_progressed = progressed(period).count()
    return {
        "referrals.received": CountResult(total),
        **_breakdown("referrals.by_primary_type", by_type, list(ExploitationType.values), total),
        **_breakdown("referrals.by_gender", by_gender, GENDERS, total),
        "referrals.previously_open": Percent(n_previously_open, total),
        "referrals.progressed": Percent(n_progressed, total),
    }


def _open_during(period: Period) -> QuerySet[Episode]:
    return Episode.objects.filter(
        Q(close_date__isnull=True) | Q(close_date__gte=period.start), open_date__lte=period.end
    )


def _open_min_max(period: Period) -> tuple[int, int]:
    """Least and greatest number of episodes open on any single day, in one SQL query.

    A sweep, not a count per day: each episode open during the period adds 1 on the day it
    is first open in the period and takes 1 away on the day after it closes (when that is
    still in the period); the running sum of these changes, day by day, is the number open
    on each day an episode opens or closes, and stays the same until the next such day. A
    change of 0 on the first day stands for the days before any episode opens. Its cost
    grows with the episodes open during the period, not with the days times the history."""
    table = Episode._meta.db_table
    if connection.vendor == "postgresql":
        first, after_close = "GREATEST(e.open_date, %s::date)", "e.close_date + 1"
        start = "%s::date"
    else:
        first, after_close = "MAX(e.open_date, date(%s))", "date(e.close_date, '+1 day')"
        start = "date(%s)"
    during = "e.open_date <= %s AND (e.close_date IS NULL OR e.close_date >= %s)"
    # Fixed query text: the table name is ours, every value a parameter.
    changes = (
        f"SELECT {start} AS d, 0 AS n "  # noqa: S608 - our table name; every value a parameter  # nosec B608
        f"UNION ALL SELECT {first}, 1 FROM {table} e WHERE {during} "
        f"UNION ALL SELECT {after_close}, -1 FROM {table} e WHERE {during} AND e.close_date < %s"
    )
    sql = (
        "SELECT MIN(open_on_day), MAX(open_on_day) FROM ("  # noqa: S608 - fixed text, values parameters  # nosec B608
        "SELECT SUM(SUM(n)) OVER (ORDER BY d) AS open_on_day "
        f"FROM ({changes}) changes GROUP BY d) days"
    )
    s, e = period.start.isoformat(), period.end.isoformat()
    with connection.cursor() as cursor:
        cursor.execute(sql, [s, s, e, s, e, s, e])
        low, high = cursor.fetchone()
    return int(low or 0), int(high or 0)


def _band() -> Case:
    return Case(
        When(Q(age__isnull=True), then=Value(NOT_KNOWN_AGE)),
        When(Q(age__lt=11), then=Value("under_11")),
        When(Q(age__lte=12), then=Value("11_12")),
        When(Q(age__lte=14), then=Value("13_14")),
        When(Q(age__lte=16), then=Value("15_16")),
        When(Q(age=17), then=Value("17")),
        default=Value("18_plus"),
        output_field=CharField(),
    )


def episodes(period: Period) -> Metrics:
    # Children only: "a child is a person record with role child".
    worked_with = (
        _open_during(period).filter(person__person_type=PersonType.CHILD).values("person").distinct()
    )
    children = Person.objects.filter(pk__in=worked_with)
    n_children = children.count()
    end = period.end
    deciles = children.annotate(decile=home_decile(end)).aggregate(
        deprived=Count("id", filter=Q(decile__gte=1, decile__lte=3)),
        unknown=Count("id", filter=Q(decile__isnull=True)),
    )
    low, high = _open_min_max(period)
    at_end = Episode.objects.open_on(end)
    n_end = at_end.count()
    bands = dict(
        at_end.annotate(age=age_on(end, "person__"))
        .annotate(band=_band())
        .values_list("band")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {
        "children.worked_with": CountResult(n_children),
        "episodes.open_min": CountResult(low),
        "episodes.open_max": CountResult(high),
        "episodes.open_at_end": CountResult(n_end),
        **_breakdown("episodes.open_at_end.by_age", bands, OPEN_AGE_BANDS, n_end),
        "children.worked_with.deprivation_1_3": Percent(deciles["deprived"], n_children),
        "children.worked_with.deprivation_unknown": Percent(deciles["unknown"], n_children),
    }


def compute(period: Period) -> Metrics:
    return {**referrals(period), **episodes(period)}
