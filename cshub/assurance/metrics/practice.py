"""Practice: assessments, reviewer agreement, re-opened closures, caseloads (docs/metrics.md)."""

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery

from cshub.assurance.metrics import agreement
from cshub.assurance.metrics.base import Count as CountResult
from cshub.assurance.metrics.base import Metrics, Percent, Period, Value
from cshub.assurance.metrics.sqlfns import AddDays
from cshub.casework.due import standard
from cshub.casework.models import Assessment, Episode, RiskLevel
from cshub.referrals.models import Referral
from cshub.standards.models import StandardCode
from cshub.standards.standards import days_in_force
from cshub.supervision.models import without_supervision

LEVELS = [RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH]
REOPEN_DAYS = 182


def weighted_kappa(pairs: dict[tuple[str, str], int]) -> float | None:
    """Cohen's weighted kappa over LOW < MEDIUM < HIGH (linear weights 1 - |i - j| / 2), to 3
    places; None when undefined (agreement.weighted_kappa over the risk levels)."""
    return agreement.weighted_kappa(pairs, LEVELS)


def assessments(period: Period) -> Metrics:
    completed = Assessment.objects.filter(**period.dates("completed_date"))
    earlier = Assessment.objects.filter(episode=OuterRef("episode")).filter(
        Q(completed_date__lt=OuterRef("completed_date"))
        | Q(completed_date=OuterRef("completed_date"), pk__lt=OuterRef("pk"))
    )
    first = completed.exclude(Exists(earlier))
    # The first assessment's clock starts at the opening: the standard in force that day.
    opened = OuterRef("episode__open_date")
    deadline = AddDays(F("episode__open_date"), days_in_force(StandardCode.ASSESSMENT_FIRST, opened))
    reviewed = completed.exclude(reviewer_risk_level="")
    pairs = {
        (a, r): n
        for a, r, n in reviewed.values_list("risk_level", "reviewer_risk_level")
        .annotate(n=Count("id"))
        .order_by()
    }
    return {
        "assessments.completed": CountResult(completed.count()),
        "assessments.within_4_weeks": Percent(
            first.filter(completed_date__lte=deadline).count(), first.count()
        ),
        "assessments.reviewer_agreement": Percent(
            reviewed.filter(risk_level=F("reviewer_risk_level")).count(), reviewed.count()
        ),
        "assessments.reviewer_agreement.kappa": Value(weighted_kappa(pairs)),
    }


def level_at_closing() -> Subquery:
    """An episode's risk level when it closed: its last assessment on or before the close
    date (the assessor's level). Also how case audits pick closures at medium or high risk."""
    return Subquery(
        Assessment.objects.filter(episode=OuterRef("pk"), completed_date__lte=OuterRef("close_date"))
        .order_by("-completed_date", "-id")
        .values("risk_level")[:1]
    )


def reopened(period: Period) -> Metrics:
    closures = Episode.objects.filter(**period.dates("close_date"))
    window_end = AddDays(OuterRef("close_date"), REOPEN_DAYS)
    new_referral = Referral.objects.filter(
        person=OuterRef("person"), received_date__gt=OuterRef("close_date"), received_date__lte=window_end
    )
    rows = (
        closures.annotate(reopened=Exists(new_referral), level=level_at_closing())
        .values_list("level")
        .annotate(n=Count("id"), back=Count("id", filter=Q(reopened=True)))
        .order_by()
    )
    by_level = {level or "not_assessed": (n, back) for level, n, back in rows}
    total = sum(n for n, _ in by_level.values())
    results: Metrics = {
        "closures.reopened_within_6_months": Percent(sum(b for _, b in by_level.values()), total)
    }
    for key in [*LEVELS, "not_assessed"]:
        n, back = by_level.get(str(key), (0, 0))
        results[f"closures.reopened_within_6_months.{key}"] = Percent(back, n)
    return results


def caseloads(period: Period) -> Metrics:
    rows = (
        Episode.objects.open_on(period.end)
        .values_list("allocated_worker__username")
        .annotate(n=Count("id"))
        .order_by("allocated_worker__username")
    )
    return {f"caseload.by_worker.{username or 'unallocated'}": CountResult(n) for username, n in rows}


def supervision(period: Period) -> Metrics:
    """Open episodes on the period's last day (today while it has not ended) with no
    supervision held within the supervision standard in force on that day up to it."""
    day = period.measured_on
    return {
        "supervision.overdue": CountResult(
            without_supervision(Episode.objects.all(), day, standard("SUPERVISION", day)).count()
        )
    }


def compute(period: Period) -> Metrics:
    return {**assessments(period), **reopened(period), **supervision(period), **caseloads(period)}
