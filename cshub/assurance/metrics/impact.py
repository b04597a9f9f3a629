"""Impact at closure: outcomes, missing reduced, feedback (docs/metrics.md)."""

import datetime as dt

from django.db.models import Count, F, IntegerField, Min, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from cshub.assurance.metrics.base import Count as CountResult
from cshub.assurance.metrics.base import Metrics, Percent, Period
from cshub.assurance.metrics.sqlfns import LondonMidnight
from cshub.casework.models import Episode
from cshub.core.codes import Outcome
from cshub.missing.models import MissingEpisode

OUTCOMES = {
    "outcomes.eet": "outcome_eet",
    "outcomes.stable_accommodation": "outcome_stable_accommodation",
    "outcomes.positive_relationship": "outcome_positive_relationship",
}


def _missing_between(field: str, first: int, last: int, years: tuple[int, int]) -> Coalesce:
    """Missing episodes of the episode's child reported on a London date from `field` +
    `first` days to `field` + `last` days, both inclusive: reported_at from London midnight
    at the first day up to (not including) London midnight after the last, compared as
    instants (the London date of each report is never computed)."""
    counted = (
        MissingEpisode.objects.filter(person=OuterRef("person"))
        .filter(
            reported_at__gte=LondonMidnight(OuterRef(field), first, years=years),
            reported_at__lt=LondonMidnight(OuterRef(field), last + 1, years=years),
        )
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
    counted = closures_.aggregate(n=Count("id"), first_open=Min("open_date"))
    n = counted["n"]
    # The years the windows' London dates can fall in (LondonMidnight on SQLite).
    first_open: dt.date = counted["first_open"] or period.start
    years = (first_open.year - 1, period.end.year + 1)
    results: Metrics = {"closures": CountResult(n)}
    for name, field in OUTCOMES.items():
        applicable = closures_.exclude(**{field: Outcome.NOT_APPLICABLE})
        results[name] = Percent(outcome_achieved(period, name).count(), applicable.count())
    with_before = closures_.annotate(
        before=_missing_between("open_date", -90, -1, years),
        after=_missing_between("close_date", -89, 0, years),
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
