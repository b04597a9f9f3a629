"""The one write path for the child's plan, its reviews, the safety plan and the trigger plan."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.casework.models import Episode
from cshub.core.dates import check_dates, plausible_event
from cshub.people.actions import require
from cshub.people.models import Person, TimelineKind
from cshub.people.timeline import add_entry
from cshub.plans.models import ChildPlan, PlanReview, SafetyPlan, TriggerPlan
from cshub.tasks.actions import NewTask, agree_task
from cshub.tasks.models import Source


def _required(values: dict[str, str], messages: dict[str, str]) -> None:
    errors = {name: msg for name, msg in messages.items() if not str(values.get(name, "")).strip()}
    if errors:
        raise ValidationError(errors)


@dataclass(frozen=True)
class PlanText:
    needs: str
    outcomes: str
    contingency: str
    shared_with: str = ""


@transaction.atomic
def write_plan(
    episode: Episode,
    text: PlanText,
    *,
    actor: User,
    tasks: Sequence[NewTask] = (),
    at: dt.datetime | None = None,
) -> ChildPlan:
    """A new version of the child's plan. Open actions of the last version carry over."""
    require(actor, Perm.RECORD_CASEWORK)
    if not episode.is_open:
        raise ValidationError("The episode is closed")
    _required(
        text.__dict__,
        {
            "needs": "Say what needs to change",
            "outcomes": "Say what outcomes the plan seeks",
            "contingency": "Write the contingency: if this happens, we will …",
        },
    )
    previous = ChildPlan.objects.filter(episode=episode).first()
    plan = ChildPlan.objects.create(
        episode=episode,
        version=(previous.version + 1) if previous else 1,
        needs=text.needs.strip(),
        outcomes=text.outcomes.strip(),
        contingency=text.contingency.strip(),
        shared_with=text.shared_with.strip(),
        written_by=actor,
        written_at=at or timezone.now(),
    )
    link = reverse("plans:casework", args=[episode.person_id]) + "#plan"
    agreed = [
        agree_task(
            task, [episode.person], actor=actor, source=Source.PLAN, source_label="Child's plan", link=link
        )
        for task in tasks
    ]
    carried = list(previous.tasks.filter(status="OPEN")) if previous else []
    plan.tasks.set([*carried, *agreed])
    record_event(actor, Action.CREATE, plan, child_id=episode.person_id, detail={"version": plan.version})
    add_entry(
        episode.person,
        TimelineKind.PLAN,
        f"Child's plan {'written' if plan.version == 1 else f'updated (version {plan.version})'}: {plan.outcomes}",
        actor=actor,
        occurred_at=at,
        source=plan,
        link=link,
    )
    return plan


@transaction.atomic
def review_plan(
    plan: ChildPlan, reviewed_on: dt.date, progress: str, action_progress: dict[int, str], *, actor: User
) -> PlanReview:
    require(actor, Perm.RECORD_CASEWORK)
    if not plan.episode.is_open:
        raise ValidationError("The episode is closed")
    latest = ChildPlan.objects.filter(episode=plan.episode).first()
    if latest is not None and latest.pk != plan.pk:
        raise ValidationError(f"This is not the current plan: review version {latest.version}")
    errors: dict[str, str] = {}
    if not progress.strip():
        errors["progress"] = "Say how the plan is going overall"
    check_dates(errors, {"reviewed_on": plausible_event(reviewed_on, "review date")})
    task_ids = set(plan.tasks.values_list("pk", flat=True))
    for task_id, text in action_progress.items():
        if task_id not in task_ids:
            errors["__all__"] = "Progress was given for an action that is not in this plan"
        elif not text.strip():
            errors[f"task_{task_id}"] = "Say what progress there has been on this action"
    if errors:
        raise ValidationError(errors)
    review = PlanReview.objects.create(
        plan=plan,
        reviewed_on=reviewed_on,
        progress=progress.strip(),
        action_progress={str(k): v.strip() for k, v in action_progress.items()},
        reviewed_by=actor,
    )
    record_event(actor, Action.CREATE, review, child_id=plan.episode.person_id)
    add_entry(
        plan.episode.person,
        TimelineKind.PLAN_REVIEW,
        f"Plan reviewed: {review.progress}",
        actor=actor,
        occurred_at=reviewed_on,
        source=review,
        link=reverse("plans:casework", args=[plan.episode.person_id]) + "#plan",
    )
    return review


def _next_version(model: type[SafetyPlan] | type[TriggerPlan], person: Person) -> int:
    return int(model.objects.filter(person=person).aggregate(v=Max("version"))["v"] or 0) + 1


@dataclass(frozen=True)
class SafetyPlanText:
    safe_people: str
    safe_places: str
    i_will: str
    others_will: str
    made_with_child: bool = True


@transaction.atomic
def write_safety_plan(
    person: Person, text: SafetyPlanText, *, actor: User, at: dt.datetime | None = None
) -> SafetyPlan:
    require(actor, Perm.RECORD_CASEWORK)
    _required(
        text.__dict__,
        {
            "safe_people": "Write who the child can talk to and trust",
            "safe_places": "Write where the child feels safe",
            "i_will": "Write what the child will do if they feel unsafe",
            "others_will": "Write what other people will do to help",
        },
    )
    plan = SafetyPlan.objects.create(
        person=person,
        version=_next_version(SafetyPlan, person),
        written_by=actor,
        written_at=at or timezone.now(),
        **text.__dict__,
    )
    record_event(actor, Action.CREATE, plan, child_id=person.pk, detail={"version": plan.version})
    add_entry(
        person,
        TimelineKind.SAFETY_PLAN,
        f"Safety plan {'written' if plan.version == 1 else 'updated'}"
        + (" with the child" if plan.made_with_child else ""),
        actor=actor,
        occurred_at=at,
        source=plan,
        link=reverse("plans:safety_plan", args=[person.pk]),
    )
    return plan


@dataclass(frozen=True)
class TriggerPlanText:
    known_locations: str
    carers_do: str
    police_do: str
    who_to_call: str
    people_of_concern: str = ""


@transaction.atomic
def write_trigger_plan(
    person: Person, text: TriggerPlanText, *, actor: User, at: dt.datetime | None = None
) -> TriggerPlan:
    require(actor, Perm.RECORD_CASEWORK)
    _required(
        text.__dict__,
        {
            "known_locations": "Write the places the child may be",
            "carers_do": "Write what carers do, and when",
            "police_do": "Write what the police do",
            "who_to_call": "Write who to call",
        },
    )
    plan = TriggerPlan.objects.create(
        person=person,
        version=_next_version(TriggerPlan, person),
        written_by=actor,
        written_at=at or timezone.now(),
        **text.__dict__,
    )
    record_event(actor, Action.CREATE, plan, child_id=person.pk, detail={"version": plan.version})
    add_entry(
        person,
        TimelineKind.TRIGGER_PLAN,
        f"Trigger plan for when {person.forename} goes missing {'written' if plan.version == 1 else 'updated'}",
        actor=actor,
        occurred_at=at,
        source=plan,
        link=reverse("plans:trigger_plan", args=[person.pk]),
    )
    return plan
