"""Missing from home and care, and return interviews (docs/metrics.md)."""

import datetime as dt

from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, OuterRef

from cshub.assurance.metrics.base import Count as CountResult
from cshub.assurance.metrics.base import Metrics, Percent, Period
from cshub.missing.models import InterviewOutcome, MissingEpisode, ReturnInterview

SEVENTY_TWO_HOURS = dt.timedelta(hours=72)


def compute(period: Period) -> Metrics:
    reported = MissingEpisode.objects.filter(**period.timestamps("reported_at"))
    per_child = reported.values("person").annotate(n=Count("id")).order_by()
    children = per_child.count()
    repeat = per_child.filter(n__gte=3).count()

    completed = ReturnInterview.objects.filter(
        outcome=InterviewOutcome.COMPLETED, **period.timestamps("completed_at")
    )
    elapsed = ExpressionWrapper(
        F("completed_at") - F("missing_episode__returned_at"), output_field=DurationField()
    )
    within = completed.annotate(elapsed=elapsed).filter(elapsed__lte=SEVENTY_TWO_HOURS).count()
    n_completed = completed.count()

    returned = MissingEpisode.objects.filter(**period.timestamps("returned_at"))
    offered = ReturnInterview.objects.filter(missing_episode=OuterRef("pk")).exclude(
        outcome=InterviewOutcome.NOT_OFFERED
    )
    return {
        "missing.reports": CountResult(reported.count()),
        "missing.children": CountResult(children),
        "missing.repeat_children": Percent(repeat, children),
        "rhi.completed": CountResult(n_completed),
        "rhi.within_72h": Percent(within, n_completed),
        "rhi.offered": Percent(returned.filter(Exists(offered)).count(), returned.count()),
    }
