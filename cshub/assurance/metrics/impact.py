"""Impact at closure: outcomes, missing reduced, feedback (docs/metrics.md)."""

import datetime as dt
from typing import Any

from django.db.models import (
    Count,
    DateField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate

from cshub.assurance.metrics.base import Count as CountResult
from cshub.assurance.metrics.base import Metrics, Percent, Period
from cshub.casework.models import Episode
from cshub.core.codes import Outcome
from cshub.core.dates import LONDON
from cshub.missing.models import MissingEpisode

OUTCOMES = {
    "outcomes.eet": "outcome_eet",
    "outcomes.stable_accommodation": "outcome_stable_accommodation",
    "outcomes.positive_relationship": "outcome_positive_relationship",
}


def _date_offset(field: str, days: int) -> "ExpressionWrapper[Any]":
    return ExpressionWrapper(OuterRef(field) + dt.timedelta(days=days), output_field=DateField())


def _missing_between(start: "ExpressionWrapper[Any]", end: "ExpressionWrapper[Any]") -> Coalesce:
    """Missing episodes of the episode's child reported (London date) in [start, end]."""
    counted = (
        MissingEpisode.objects.filter(person=OuterRef("person"))
        .annotate(day=TruncDate("reported_at", tzinfo=LONDON))
        .filter(day__gte=start, day__lte=end)
        .order_by()
        .values("person")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def closures(period: Period) -> "QuerySet[Episode]":
    return Episode.objects.filter(**period.dates("close_date"))


def outcome_achieved(period: Period, name: str) -> "QuerySet[Episode]":
    return (
        closures(period)
        .exclude(**{OUTCOMES[name]: Outcome.NOT_APPLICABLE})
        .filter(**{OUTCOMES[name]: Outcome.YES})
    )


def compute(period: Period) -> Metrics:
    closures_ = closures(period)
    n = closures_.count()
    results: Metrics = {"closures": CountResult(n)}
    for name, field in OUTCOMES.items():
        applicable = closures_.exclude(**{field: Outcome.NOT_APPLICABLE})
        results[name] = Percent(outcome_achieved(period, name).count(), applicable.count())
    with_before = closures_.annotate(
        before=_missing_between(_date_offset("open_date", -90), _date_offset("open_date", -1)),
        after=_missing_between(_date_offset("close_date", -89), _date_offset("close_date", 0)),
    ).filter(before__gte=1)
    # Numerator and denominator in one pass: each closure's two counts are computed once.
    reduced = with_before.aggregate(n=Count("id"), fewer=Count("id", filter=Q(after__lt=F("before"))))
    results["outcomes.missing_reduced"] = Percent(reduced["fewer"], reduced["n"])
    feedback = closures_.aggregate(
        child=Count("id", filter=Q(feedback_child=True)),
        carer=Count("id", filter=Q(feedback_parent_carer=True)),
    )
    results["feedback.child"] = Percent(feedback["child"], n)
    results["feedback.parent_carer"] = Percent(feedback["carer"], n)
    return results
