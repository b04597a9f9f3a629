"""Missing from home and care, and return interviews (docs/metrics.md)."""

import datetime as dt

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from cshub.assurance.metrics.base import Count as CountResult
from cshub.assurance.metrics.base import Metrics, Percent, Period
from cshub.assurance.metrics.sqlfns import AddHours
from cshub.missing.models import InterviewOutcome, MissingEpisode, ReturnInterview, YesNoNA
from cshub.people.models import PersonType

SEVENTY_TWO_HOURS = dt.timedelta(hours=72)
_HOURS = int(SEVENTY_TWO_HOURS.total_seconds()) // 3600


def reported(period: Period) -> "QuerySet[MissingEpisode]":
    return MissingEpisode.objects.filter(**period.timestamps("reported_at"))


def reported_about_children(period: Period) -> "QuerySet[MissingEpisode]":
    """For the figures about children ("a child is a person record with role child"):
    a report about an adult counts as a report, not as a child reported missing."""
    return reported(period).filter(person__person_type=PersonType.CHILD)


def completed(period: Period) -> "QuerySet[ReturnInterview]":
    return ReturnInterview.objects.filter(
        outcome=InterviewOutcome.COMPLETED, **period.timestamps("completed_at")
    )


def within_72h(period: Period) -> "QuerySet[ReturnInterview]":
    # completed_at - returned_at <= 72h, as completed_at <= returned_at + 72h: instants in
    # UTC, in each database's own SQL (no per-row Python on SQLite). No returned_at: not within.
    return completed(period).filter(completed_at__lte=AddHours(F("missing_episode__returned_at"), _HOURS))


def compute(period: Period) -> Metrics:
    reported_ = reported(period)
    per_child = reported_about_children(period).values("person").annotate(n=Count("id")).order_by()
    # One pass over the period's reports for both (a count over the per-child counts).
    counted = per_child.aggregate(children=Count("person"), repeat=Count("person", filter=Q(n__gte=3)))
    children, repeat = counted["children"], counted["repeat"]

    within = within_72h(period).count()
    n_completed = completed(period).count()

    returned = MissingEpisode.objects.filter(**period.timestamps("returned_at"))
    interviews = ReturnInterview.objects.filter(missing_episode=OuterRef("pk"))
    # An interview recorded decides; without one, the extract's own flag (metrics.md). Two
    # counts of disjoint sets (with an interview, without one) rather than one with an OR of
    # EXISTS, which PostgreSQL can only answer by hashing every interview ever recorded.
    offered = (
        returned.filter(Exists(interviews.exclude(outcome=InterviewOutcome.NOT_OFFERED))).count()
        + returned.filter(~Exists(interviews), rhi_offered=YesNoNA.YES).count()
    )
    return {
        "missing.reports": CountResult(reported_.count()),
        "missing.children": CountResult(children),
        "missing.repeat_children": Percent(repeat, children),
        "rhi.completed": CountResult(n_completed),
        "rhi.within_72h": Percent(within, n_completed),
        "rhi.offered": Percent(offered, returned.count()),
    }
