"""When a child's plan is next reviewed: on a cadence set by the last assessed risk level
(settings.CSHUB_STANDARDS PLAN_REVIEW_HIGH/MEDIUM/LOW), from the last review or the plan."""

import datetime as dt

from django.utils import timezone

from cshub.casework import due as casework_due
from cshub.casework.models import Episode
from cshub.people.models import Person
from cshub.plans.models import ChildPlan


def plan_review_due(plan: ChildPlan) -> casework_due.Due:
    last_review = plan.reviews.first()
    since = last_review.reviewed_on if last_review else timezone.localtime(plan.written_at).date()
    assessment = plan.episode.assessments.first()
    level = assessment.risk_level if assessment else "MEDIUM"
    days = casework_due.standard(f"PLAN_REVIEW_{level}")
    return casework_due.Due(
        "Plan review", since + dt.timedelta(days=days), f"every {days} days at {level.lower()} risk"
    )


def current_plan(episode: Episode) -> ChildPlan | None:
    return ChildPlan.objects.filter(episode=episode).prefetch_related("tasks").first()


def overdue_for_meeting(day: dt.date) -> list[tuple[Person, str]]:
    """Assessments and plan reviews overdue on `day`: one source of the daily meeting's agenda."""
    found = casework_due.overdue_for_meeting(day)
    plans = (
        ChildPlan.objects.filter(episode__in=Episode.objects.open_on(day), written_at__date__lte=day)
        .select_related("episode__person")
        .order_by("episode", "-version")
        .distinct()
    )
    seen: set[int] = set()
    for plan in plans:
        if plan.episode_id in seen:
            continue
        seen.add(plan.episode_id)
        due = plan_review_due(plan)
        if due.overdue(day):
            found.append(
                (plan.episode.person, f"Plan review overdue (due {due.due_date:%-d %B %Y}, {due.why})")
            )
    return found
