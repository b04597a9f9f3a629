"""The one write path for actions: agree one (from a meeting, plan or supervision) and
complete or cancel it. Each lands on the timeline of every child it is about."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.core import locks
from cshub.core.codes import Agency
from cshub.core.dates import check_dates, format_date, plausible_event
from cshub.people.access import may_see
from cshub.people.actions import require
from cshub.people.models import Person, TimelineKind
from cshub.people.timeline import add_entry
from cshub.tasks import signals
from cshub.tasks.models import Source, Status, Task


@dataclass(frozen=True)
class NewTask:
    description: str
    owner_agency: str
    due_date: dt.date
    owner: User | None = None
    owner_name: str = ""


def validate(task: NewTask, *, field_prefix: str = "", people: Iterable[Person] = ()) -> None:
    errors: dict[str, str] = {}
    if task.owner is not None and any(not may_see(task.owner, p) for p in people):
        errors[f"{field_prefix}owner"] = (
            "This person may not see the record of every child the action is about: "
            "choose someone named on the restricted record"
        )
    if not task.description.strip():
        errors[f"{field_prefix}description"] = "Enter what needs to be done"
    if task.owner is None and not task.owner_name.strip():
        errors[f"{field_prefix}owner_name"] = "Enter who will do it"
    if task.owner_agency not in Agency.values:
        errors[f"{field_prefix}owner_agency"] = "Select the agency that owns the action"
    check_dates(errors, {f"{field_prefix}due_date": plausible_event(task.due_date, "due date", future=True)})
    if errors:
        raise ValidationError(errors)


def agree_task(
    task: NewTask,
    people: Iterable[Person],
    *,
    actor: User,
    source: str = Source.OTHER,
    source_label: str = "",
    link: str = "",
    at: dt.datetime | None = None,
) -> Task:
    """Called inside the caller's transaction (a meeting, plan or supervision action, which
    has already checked the actor's permission for that room)."""
    children = list(people)
    validate(task, people=children)
    row = Task.objects.create(
        description=task.description.strip(),
        owner=task.owner,
        owner_name="" if task.owner else task.owner_name.strip(),
        owner_agency=task.owner_agency,
        due_date=task.due_date,
        source=source,
        source_label=source_label,
        link=link,
        created_by=actor,
        created_at=at or timezone.now(),
    )
    row.people.set(children)
    record_event(actor, Action.CREATE, row, detail={"children": [p.pk for p in children]})
    details = (
        f"Action for {row.owner_display} ({row.get_owner_agency_display()}) "
        f"by {format_date(row.due_date)}: {row.description}"
    )
    for person in children:
        add_entry(
            person,
            TimelineKind.ACTION_AGREED,
            details if person.restricted or not _mixed(children) else _RESTRICTED_DETAILS,
            actor=actor,
            occurred_at=at,
            source=row,
            link=reverse("tasks:detail", args=[row.pk]),
        )
    signals.task_agreed.send(Task, task=row, actor=actor)
    return row


_RESTRICTED_DETAILS = (
    "Action agreed (details restricted: it is also about a child whose record is restricted)"
)


def _mixed(children: list[Person]) -> bool:
    """About several children, one of them restricted: the others' timelines carry no details."""
    return len(children) > 1 and any(p.restricted for p in children)


def may_update(user: User, task: Task) -> bool:
    return user.pk in (task.owner_id, task.created_by_id) or user.has(Perm.VIEW_TEAM_CASELOAD)


@transaction.atomic
def finish_task(task: Task, note: str, *, actor: User, cancelled: bool = False) -> Task:
    require(actor, Perm.VIEW_CHILD)
    if not may_update(actor, task):
        raise PermissionDenied("only the owner, whoever agreed it, or a manager can complete an action")
    children = list(task.people.all())
    if any(not may_see(actor, p) for p in children):
        raise PermissionDenied("the action is about a child whose record the actor may not see")
    locks.claim(task)
    if task.status != Status.OPEN:
        raise ValidationError({"note": "This action is already closed"})
    if not note.strip():
        raise ValidationError(
            {"note": "Say what was done" if not cancelled else "Say why it is no longer needed"}
        )
    task.status = Status.CANCELLED if cancelled else Status.DONE
    task.completion_note = note.strip()
    task.completed_at = timezone.now()
    task.completed_by = actor
    task.save(update_fields=["status", "completion_note", "completed_at", "completed_by"])
    record_event(actor, Action.UPDATE, task, detail={"status": task.status})
    verb = "no longer needed" if cancelled else "completed"
    for person in children:
        add_entry(
            person,
            TimelineKind.ACTION_COMPLETED,
            f"Action {verb}: {task.description} — {task.completion_note}"
            if person.restricted or not _mixed(children)
            else f"Action {verb} (details restricted)",
            actor=actor,
            source=task,
            link=reverse("tasks:detail", args=[task.pk]),
        )
    return task
