"""When a child's plan is next reviewed: on a cadence set by the last assessed risk level
(the practice standards PLAN_REVIEW_HIGH/MEDIUM/LOW in force on the day the list is drawn),
from the last review or the plan."""

import datetime as dt

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from cshub.casework import due as casework_due
from cshub.casework.models import Episode, EpisodeQuerySet
from cshub.contact.models import Contact, ContactKind
from cshub.people.models import Person
from cshub.plans.models import ChildPlan
from cshub.supervision.models import Supervision


def plan_review_due(plan: ChildPlan, rules: casework_due.Standards | None = None) -> casework_due.Due:
    """The plan's next review, by `rules` (the standards in force today by default)."""
    rules = casework_due.in_force() if rules is None else rules
    last_review = plan.reviews.first()
    since = last_review.reviewed_on if last_review else timezone.localtime(plan.written_at).date()
    assessment = plan.episode.assessments.first()
    level = assessment.risk_level if assessment else "MEDIUM"
    days = rules[f"PLAN_REVIEW_{level}"]
    return casework_due.Due(
        "Plan review", since + dt.timedelta(days=days), f"every {days} days at {level.lower()} risk"
    )


def with_practice_dates(episodes: EpisodeQuerySet) -> EpisodeQuerySet:
    """Each episode's last visit in which the child was seen (`contact.queries.last_seen`)
    and its last supervision, its own or a group session that covered it
    (`Supervision.objects.about`), as columns of the episodes' one query."""
    group = Supervision.group_episodes.through.objects.filter(episode=OuterRef("pk"))
    return episodes.annotate(
        last_seen_on=Subquery(
            Contact.objects.filter(episode=OuterRef("pk"), seen=True, kind__in=ContactKind.values)
            .order_by("-on", "-id")
            .values("on")[:1]
        ),
        last_own_supervision_on=Subquery(
            Supervision.objects.filter(episode=OuterRef("pk")).order_by("-held_on").values("held_on")[:1]
        ),
        last_group_supervision_on=Subquery(
            group.order_by("-supervision__held_on").values("supervision__held_on")[:1]
        ),
    )


def last_supervised_on(episode: Episode) -> dt.date | None:
    """The last supervision about an episode annotated by `with_practice_dates`."""
    days = [d for d in (episode.last_own_supervision_on, episode.last_group_supervision_on) if d]  # type: ignore[attr-defined]
    return max(days, default=None)


def current_plan(episode: Episode) -> ChildPlan | None:
    return ChildPlan.objects.filter(episode=episode).prefetch_related("tasks").first()


def overdue_for_meeting(day: dt.date) -> list[tuple[Person, str]]:
    """Assessments and plan reviews overdue on `day`: one source of the daily meeting's agenda."""
    found = casework_due.overdue_for_meeting(day)
    rules = casework_due.in_force(day)
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
        due = plan_review_due(plan, rules)
        if due.overdue(day):
            found.append(
                (plan.episode.person, f"Plan review overdue (due {due.due_date:%-d %B %Y}, {due.why})")
            )
    return found
