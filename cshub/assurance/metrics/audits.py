"""Case audits: the quality of the hub's practice as its own audits grade it
(docs/metrics.md, "Case audits"). Each figure a few aggregate queries: audits counted are
PRIMARY audits whose `completed_at` falls on a London date in the period; moderated pairs
those whose primary audit and moderation are both completed, the later in it; learning actions are tasks
from a case audit, on the period's last day (today while it has not ended)."""

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Greatest

from cshub.assurance.metrics.agreement import weighted_kappa
from cshub.assurance.metrics.base import Count as CountResult
from cshub.assurance.metrics.base import Metrics, Percent, Period, Value
from cshub.assurance.metrics.sqlfns import LondonMidnight
from cshub.caseaudits.models import GRADES, Audit, AuditRole, AuditStatus, Finding, Theme
from cshub.tasks.models import Source, Status, Task

# The grades' keys in metric ids, best first: audits.grade.outstanding ... .inadequate.
GRADE_KEYS = {str(g): str(g).lower() for g in GRADES}
THEME_PREFIX = "audits.findings.by_theme"


def completed(period: Period) -> "QuerySet[Audit]":
    """PRIMARY audits completed on a London date in the period (moderations are not counted:
    they grade again a case already counted)."""
    return Audit.objects.primary().completed().filter(**period.timestamps("completed_at"))


def moderated_pairs(period: Period) -> "QuerySet[Audit]":
    """Completed moderations whose primary audit is completed too, counted in the period (London
    dates) in which the later of the two was completed: a pair that straddles a quarter's end
    counts once, in the later quarter."""
    return (
        Audit.objects.filter(
            role=AuditRole.MODERATION,
            status=AuditStatus.COMPLETED,
            moderates__status=AuditStatus.COMPLETED,
        )
        .annotate(paired_at=Greatest("completed_at", "moderates__completed_at"))
        .filter(**period.timestamps("paired_at"))
    )


def learning_actions(period: Period) -> "QuerySet[Task]":
    """Tasks from a case audit open at the end of the period's last day (today while it has
    not ended): created by then, and not completed or cancelled by then."""
    day = period.measured_on
    end = Period(day, day).utc_end
    return Task.objects.filter(source=Source.AUDIT, created_at__lt=end).filter(
        Q(status=Status.OPEN) | Q(completed_at__gte=end)
    )


def grades(period: Period) -> Metrics:
    years = (period.start.year - 1, period.end.year + 1)
    # On time: completed before London midnight after the due date.
    on_time = Q(completed_at__lt=LondonMidnight(F("due_date"), 1, years=years))
    counts = completed(period).aggregate(
        total=Count("id"),
        on_time=Count("id", filter=on_time),
        **{f"g_{key}": Count("id", filter=Q(overall_grade=grade)) for grade, key in GRADE_KEYS.items()},
    )
    total = counts["total"]
    return {
        "audits.completed": CountResult(total),
        **{f"audits.grade.{key}": Percent(counts[f"g_{key}"], total) for key in GRADE_KEYS.values()},
        "audits.on_time": Percent(counts["on_time"], total),
    }


def moderation(period: Period) -> Metrics:
    pairs = {
        (primary, moderation): n
        for primary, moderation, n in moderated_pairs(period)
        .values_list("moderates__overall_grade", "overall_grade")
        .annotate(n=Count("id"))
        .order_by()
    }
    same = sum(n for (primary, moderation), n in pairs.items() if primary == moderation)
    return {
        "audits.moderation.agreement": Percent(same, sum(pairs.values())),
        "audits.moderation.kappa": Value(weighted_kappa(pairs, [str(g) for g in GRADES])),
    }


def findings(period: Period) -> Metrics:
    """Findings of the period's completed audits, and the share tagged with each theme (every
    theme, by its id: a finding may have several themes, so the shares need not add up)."""
    audits = completed(period)
    total = Finding.objects.filter(audit__in=audits).count()
    in_period = Q(
        findings__audit__role=AuditRole.PRIMARY,
        findings__audit__status=AuditStatus.COMPLETED,
        **period.timestamps("findings__audit__completed_at"),
    )
    rows = Theme.objects.annotate(n=Count("findings", filter=in_period)).values_list("pk", "n").order_by("pk")
    return {
        "audits.findings": CountResult(total),
        **{f"{THEME_PREFIX}.{pk}": Percent(n, total) for pk, n in rows},
    }


def actions(period: Period) -> Metrics:
    counts = learning_actions(period).aggregate(
        open=Count("id"), overdue=Count("id", filter=Q(due_date__lt=period.measured_on))
    )
    return {
        "audits.actions.open": CountResult(counts["open"]),
        "audits.actions.overdue": CountResult(counts["overdue"]),
    }


def compute(period: Period) -> Metrics:
    return {**grades(period), **moderation(period), **findings(period), **actions(period)}
