"""Consultations: professionals across the area asking the hub for advice about a child
(docs/metrics.md, "Consultations"). Every figure one or a few aggregate queries over the
consultations of the period: those whose `occurred_at` falls on a London date in it."""

from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet
from django.db.models.lookups import GreaterThanOrEqual, LessThan

from cshub.assurance.metrics.base import Count as CountResult
from cshub.assurance.metrics.base import Metrics, Percent, Period, Value
from cshub.assurance.metrics.sqlfns import DaysBetween, LondonDate, LondonMidnight, median
from cshub.consultations.models import Consultation
from cshub.core.codes import Agency
from cshub.people.models import PersonType
from cshub.referrals.models import Referral

AGENCIES = list(Agency.values)
REFERRAL_WITHIN_DAYS = 30
NAMES = [
    "consultations.total",
    *(f"consultations.by_agency.{a}" for a in AGENCIES),
    "consultations.to_referral_30d",
    "consultations.repeat",
    "consultations.follow_up.median_days",
]


def in_period(period: Period) -> "QuerySet[Consultation]":
    """Consultations whose `occurred_at` falls on a London date in the period, anonymous or not."""
    return Consultation.objects.filter(**period.timestamps("occurred_at"))


def about_children(period: Period) -> "QuerySet[Consultation]":
    """Of the period's consultations, those about a child record (not anonymous when the
    figure is computed: an anonymous one linked to a child later counts from then on)."""
    return in_period(period).filter(person__isnull=False, person__person_type=PersonType.CHILD)


def followed_by_referral(period: Period) -> "QuerySet[Consultation]":
    """Of `about_children`, those that became a referral to the hub: converted (its own
    `referral`, whatever that referral's date), or the child had a hub referral received
    on the consultation's London date or up to 30 days after it (date + 0 … date + 30)."""
    years = (period.start.year - 1, period.end.year + 1)
    # received on London date d + 0 … d + 30 of occurred_at  <=>  occurred_at lies from London
    # midnight of received - 30 up to (not including) London midnight after received.
    received = F("received_date")
    within = Referral.objects.filter(
        GreaterThanOrEqual(
            OuterRef("occurred_at"), LondonMidnight(received, -REFERRAL_WITHIN_DAYS, years=years)
        ),
        LessThan(OuterRef("occurred_at"), LondonMidnight(received, 1, years=years)),
        person=OuterRef("person"),
    )
    return about_children(period).filter(Q(referral__isnull=False) | Exists(within))


def follow_up_days(period: Period) -> "QuerySet[Consultation]":
    """Consultations followed up on a London date in the period, each with `days`: the
    London calendar days from the consultation to its recorded follow-up."""
    followed_up = Consultation.objects.filter(**period.timestamps("followed_up_at"))
    # The years the instants fall in (LondonDate on SQLite): from the earliest consultation.
    first = followed_up.aggregate(first=Min("occurred_at"))["first"]
    years = (min(first.year if first else period.start.year, period.start.year) - 1, period.end.year + 1)
    return followed_up.annotate(
        days=DaysBetween(LondonDate("followed_up_at", years=years), LondonDate("occurred_at", years=years))
    )


def compute(period: Period) -> Metrics:
    found = in_period(period)
    counts = found.aggregate(
        total=Count("id"), **{f"a_{a}": Count("id", filter=Q(caller_agency=a)) for a in AGENCIES}
    )
    total = counts["total"]
    named = about_children(period)
    per_child = named.values("person").annotate(n=Count("id")).order_by()
    # One pass over the per-child counts for both (as missing.repeat_children).
    children = per_child.aggregate(all=Count("person"), repeat=Count("person", filter=Q(n__gte=2)))
    return {
        "consultations.total": CountResult(total),
        **{f"consultations.by_agency.{a}": Percent(counts[f"a_{a}"], total) for a in AGENCIES},
        "consultations.to_referral_30d": Percent(followed_by_referral(period).count(), named.count()),
        "consultations.repeat": Percent(children["repeat"], children["all"]),
        "consultations.follow_up.median_days": Value(median(follow_up_days(period), "days")),
    }
