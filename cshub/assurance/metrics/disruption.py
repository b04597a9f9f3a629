"""Disruption and joint operations (docs/metrics.md, "Disruption"): every figure one
aggregate query over the disruption and intelligence tables."""

from django.db.models import Count, Q, QuerySet

from cshub.assurance.metrics.base import Count as CountResult
from cshub.assurance.metrics.base import Metrics, Percent, Period
from cshub.disruption.models import Disruption, DisruptionType, Operation, Outcome, Status
from cshub.intelligence.alerts import adult_threshold
from cshub.intelligence.models import Link, SubjectKind
from cshub.people.models import Person, PersonType

TYPES = list(DisruptionType.values)
OUTCOMES = list(Outcome.values)
NAMES = [
    "disruption.total",
    *(f"disruption.by_type.{t}" for t in TYPES),
    *(f"disruption.by_outcome.{o}" for o in OUTCOMES),
    "disruption.arrests",
    "disruption.charges",
    "disruption.convictions",
    "disruption.children",
    "disruption.hotspots",
    "disruption.hotspots.disrupted",
    "disruption.hotspots.linked",
    "operations.open_at_end",
    "operations.closed",
]


def in_period(period: Period) -> "QuerySet[Disruption]":
    """Disruptions that happened (not planned) on a date in the period."""
    return Disruption.objects.filter(**period.dates("on")).exclude(status=Status.PLANNED)


def children_of_disrupted(period: Period) -> "QuerySet[Person]":
    """Children linked to a subject disrupted in the period: by an intelligence link to it
    recorded by the period's end, or named on one of its disruptions in the period."""
    disrupted = in_period(period).values("subject_id")
    linked = Link.objects.filter(
        subject_id__in=disrupted, child__isnull=False, recorded_at__lt=period.utc_end
    ).values("child_id")
    named = in_period(period).values("children")
    return Person.objects.filter(person_type=PersonType.CHILD).filter(Q(pk__in=linked) | Q(pk__in=named))


def hotspot_ids(period: Period) -> tuple[set[int], set[int]]:
    """(places disrupted in the period, places linked to N children or more in it)."""
    disrupted = set(
        in_period(period).filter(subject__kind=SubjectKind.PLACE).values_list("subject_id", flat=True)
    )
    seen = Q(last_seen__gte=period.start, last_seen__lte=period.end) | Q(
        last_seen__isnull=True, **period.timestamps("recorded_at")
    )
    linked = set(
        Link.objects.filter(
            seen, subject__kind=SubjectKind.PLACE, subject__confirmed=True, child__isnull=False
        )
        .order_by()
        .values("subject_id")
        .annotate(n=Count("child_id", distinct=True))
        .filter(n__gte=adult_threshold())
        .values_list("subject_id", flat=True)
    )
    return disrupted, linked


def compute(period: Period) -> Metrics:
    found = in_period(period)
    counts = found.aggregate(
        total=Count("id"),
        **{f"t_{t}": Count("id", filter=Q(disruption_type=t)) for t in TYPES},
        **{f"o_{o}": Count("id", filter=Q(outcome=o)) for o in OUTCOMES},
    )
    total = counts["total"]
    disrupted, linked = hotspot_ids(period)
    operations = Operation.objects.filter(opened_on__lte=period.end)
    return {
        "disruption.total": CountResult(total),
        **{f"disruption.by_type.{t}": Percent(counts[f"t_{t}"], total) for t in TYPES},
        **{f"disruption.by_outcome.{o}": Percent(counts[f"o_{o}"], total) for o in OUTCOMES},
        "disruption.arrests": CountResult(counts[f"t_{DisruptionType.ARREST}"]),
        "disruption.charges": CountResult(counts[f"t_{DisruptionType.CHARGE}"]),
        "disruption.convictions": CountResult(counts[f"t_{DisruptionType.CONVICTION}"]),
        "disruption.children": CountResult(children_of_disrupted(period).count()),
        "disruption.hotspots": CountResult(len(disrupted | linked)),
        "disruption.hotspots.disrupted": CountResult(len(disrupted)),
        "disruption.hotspots.linked": CountResult(len(linked)),
        "operations.open_at_end": CountResult(
            operations.filter(Q(closed_on__isnull=True) | Q(closed_on__gt=period.end)).count()
        ),
        "operations.closed": CountResult(Operation.objects.filter(**period.dates("closed_on")).count()),
    }
