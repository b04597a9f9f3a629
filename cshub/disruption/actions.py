"""The one write path for disruption and joint operations. Each action is atomic,
permission-checked (`RECORD_INTELLIGENCE`), writes its audit event in the same transaction
and, for a disruption, an entry on the timeline of every child it is linked to (naming
what was done, never the subject: docs/disruption.md)."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.core import locks
from cshub.core.codes import Agency
from cshub.core.dates import check_dates, format_date, plausible_event
from cshub.disruption.models import (
    ORDERS,
    Decision,
    Disruption,
    DisruptionType,
    LicensedKind,
    Operation,
    OperationMeeting,
    OperationStatus,
    OperationTask,
    Outcome,
    Status,
)
from cshub.intelligence.models import Subject
from cshub.meetings import actions as meetings
from cshub.meetings.models import Meeting, MeetingType
from cshub.people.access import get_child_for_user, may_see
from cshub.people.actions import require
from cshub.people.models import Person, PersonType, TimelineKind
from cshub.people.timeline import add_entry
from cshub.tasks import actions as tasks
from cshub.tasks.models import Source, Task

JOINT_OPERATION_MEETING = "joint-operation"


@dataclass(frozen=True)
class DisruptionDetails:
    subject: Subject
    disruption_type: str
    on: dt.date | None
    agency: str
    children: tuple[int, ...] = ()
    officer: User | None = None
    officer_name: str = ""
    officer_agency: str = ""
    licensed_kind: str = ""
    status: str = Status.PLANNED
    outcome: str = Outcome.NOT_KNOWN
    outcome_detail: str = ""
    sentence: str = ""
    expires_on: dt.date | None = None
    operation: Operation | None = None
    notes: str = ""


@dataclass(frozen=True)
class StatusChange:
    status: str
    outcome: str
    outcome_detail: str = ""
    sentence: str = ""
    expires_on: dt.date | None = None


def _children(
    actor: User, ids: Iterable[int], errors: dict[str, str], field: str = "children"
) -> list[Person]:
    """Children the actor may see (checked through the access helper, not audited: nothing
    about a refused record is written)."""
    found: list[Person] = []
    for pk in dict.fromkeys(ids):
        try:
            person = get_child_for_user(actor, pk, audit=False)
        except Http404:
            errors[field] = f"Record {pk} does not exist or you may not see it"
            continue
        if person.person_type != PersonType.CHILD:
            errors[field] = f"Record {pk} is not a child (an adult of concern is a subject)"
            continue
        found.append(person)
    return found


def _outcome_errors(
    kind: str, status: str, outcome: str, *, sentence: str, on: dt.date | None, expires_on: dt.date | None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if status not in Status.values:
        errors["status"] = "Select the status: planned, done, breached or expired"
    if outcome not in Outcome.values:
        errors["outcome"] = "Select the outcome"
    if sentence.strip() and kind != DisruptionType.CONVICTION:
        errors["sentence"] = "Only a conviction has a sentence"
    if kind == DisruptionType.CONVICTION and status == Status.DONE and not sentence.strip():
        errors["sentence"] = "Enter the sentence, like 3 years' imprisonment"
    if expires_on is not None:
        if kind not in ORDERS:
            errors["expires_on"] = "Only a notice, an order or an injunction has an end date"
        elif problem := plausible_event(expires_on, "end date", future=True):
            errors["expires_on"] = problem
        elif on is not None and expires_on < on:
            errors["expires_on"] = "The end date must be the same as or after the date it was made"
    if status in (Status.BREACHED, Status.EXPIRED) and kind not in ORDERS:
        errors["status"] = "Only a notice, an order or an injunction can be breached or expire"
    if status == Status.PLANNED and outcome != Outcome.NOT_KNOWN:
        errors["outcome"] = "A planned disruption has no outcome yet: choose “Not known yet”"
    return errors


def _check(details: DisruptionDetails, actor: User) -> tuple[list[Person], dict[str, str]]:
    errors: dict[str, str] = {}
    subject = details.subject
    if subject.person is not None and not may_see(actor, subject.person):
        errors["subject"] = (
            "You cannot record a disruption against this subject: you may not see their record"
        )
    if not subject.confirmed:
        errors["subject"] = "Confirm the subject on its page before recording a disruption against it"
    if details.disruption_type not in DisruptionType.values:
        errors["disruption_type"] = "Select what the disruption is"
    if details.licensed_kind and (
        details.licensed_kind not in LicensedKind.values
        or details.disruption_type != DisruptionType.LICENSING
    ):
        errors["licensed_kind"] = "Select the kind of licence only for a licensing review"
    if details.on is None:
        errors["on"] = "Enter the date"
    else:
        check_dates(
            errors, {"on": plausible_event(details.on, "date", future=details.status == Status.PLANNED)}
        )
    if details.agency not in Agency.values:
        errors["agency"] = "Select the agency that took the action"
    if details.officer is None:
        if not details.officer_name.strip():
            errors["officer_name"] = "Enter the officer's name, or choose a CSHub user"
        elif details.officer_agency not in Agency.values:
            errors["officer_agency"] = "Select the officer's agency"
    elif details.officer_name.strip():
        errors["officer_name"] = "Give a name only when the officer is not a CSHub user"
    errors |= _outcome_errors(
        details.disruption_type,
        details.status,
        details.outcome,
        sentence=details.sentence,
        on=details.on,
        expires_on=details.expires_on,
    )
    operation = details.operation
    if operation is not None and (not operation.open_to(actor) or operation.status != OperationStatus.OPEN):
        errors["operation"] = "Choose an open operation you are a member of"
    children = _children(actor, details.children, errors)
    return children, errors


def _summary(d: Disruption, verb: str) -> str:
    """What a child's timeline says: the type, date and status, never the subject."""
    ends = f", ends {format_date(d.expires_on)}" if d.expires_on else ""
    return (
        f"Disruption {verb}: {d.type_display} ({d.get_status_display().lower()}, {format_date(d.on)}{ends})"
    )


def _on_timelines(d: Disruption, children: Iterable[Person], verb: str, *, actor: User) -> None:
    for child in children:
        add_entry(
            child,
            TimelineKind.DISRUPTION,
            _summary(d, verb),
            actor=actor,
            occurred_at=d.on if verb == "recorded" else None,
            source=d,
            link=reverse("disruption:detail", args=[d.pk]),
        )


@transaction.atomic
def record_disruption(details: DisruptionDetails, *, actor: User) -> Disruption:
    require(actor, Perm.RECORD_INTELLIGENCE)
    children, errors = _check(details, actor)
    if errors:
        raise ValidationError(errors)
    assert details.on is not None
    d = Disruption(
        subject=details.subject,
        disruption_type=details.disruption_type,
        licensed_kind=details.licensed_kind,
        on=details.on,
        agency=details.agency,
        officer=details.officer,
        officer_name="" if details.officer else details.officer_name.strip(),
        officer_agency="" if details.officer else details.officer_agency,
        status=details.status,
        outcome=details.outcome,
        outcome_detail=details.outcome_detail.strip(),
        sentence=details.sentence.strip(),
        expires_on=details.expires_on,
        operation=details.operation,
        notes=details.notes.strip(),
        recorded_by=actor,
    )
    d.save()
    d.children.set(children)
    record_event(
        actor,
        Action.CREATE,
        d,
        detail={
            "type": d.disruption_type,
            "subject": d.subject_id,
            "status": d.status,
            "children": [c.pk for c in children],
        },
    )
    _on_timelines(d, children, "recorded", actor=actor)
    return d


@transaction.atomic
def change_status(d: Disruption, change: StatusChange, *, actor: User) -> Disruption:
    """Done, breached, expired; the outcome, sentence and end date as they become known.
    Each child's timeline hears of a change of status."""
    require(actor, Perm.RECORD_INTELLIGENCE)
    if d.operation_id is not None and (d.operation is None or not d.operation.open_to(actor)):
        raise PermissionDenied("the disruption belongs to an operation the actor may not open")
    locks.claim(d)
    errors = _outcome_errors(
        d.disruption_type,
        change.status,
        change.outcome,
        sentence=change.sentence,
        on=d.on,
        expires_on=change.expires_on,
    )
    if change.status == Status.PLANNED and d.status != Status.PLANNED:
        errors["status"] = "A disruption that has happened cannot be planned again"
    if errors:
        raise ValidationError(errors)
    before = {"status": d.status, "outcome": d.outcome, "expires_on": str(d.expires_on or "")}
    status_changed = change.status != d.status
    d.status, d.outcome = change.status, change.outcome
    d.outcome_detail, d.sentence = change.outcome_detail.strip(), change.sentence.strip()
    d.expires_on, d.updated_at = change.expires_on, timezone.now()
    d.save()
    record_event(
        actor,
        Action.UPDATE,
        d,
        detail={
            "before": before,
            "after": {"status": d.status, "outcome": d.outcome, "expires_on": str(d.expires_on or "")},
        },
    )
    if status_changed:
        _on_timelines(d, d.children.all(), "updated", actor=actor)
    return d


# Joint operations ------------------------------------------------------------------------


@dataclass(frozen=True)
class OperationDetails:
    name: str
    aims: str
    opened_on: dt.date | None
    children: tuple[int, ...] = ()
    subjects: tuple[int, ...] = ()
    members: tuple[int, ...] = ()


def _members(ids: Iterable[int], errors: dict[str, str]) -> list[User]:
    wanted = set(ids)
    users = [u for u in User.objects.filter(pk__in=wanted, is_active=True) if u.has(Perm.VIEW_INTELLIGENCE)]
    if len(users) != len(wanted):
        errors["members"] = "Choose only people who may see intelligence in CSHub"
    return users


def _subjects(actor: User, ids: Iterable[int], errors: dict[str, str]) -> list[Subject]:
    wanted = list(dict.fromkeys(ids))
    found = Subject.objects.select_related("person").in_bulk(wanted)
    subjects = []
    for pk in wanted:
        s = found.get(pk)
        if s is None or (s.person is not None and not may_see(actor, s.person)):
            errors["subjects"] = f"Subject {pk} does not exist or you may not see it"
        else:
            subjects.append(s)
    return subjects


@transaction.atomic
def open_operation(details: OperationDetails, *, actor: User) -> Operation:
    require(actor, Perm.RECORD_INTELLIGENCE)
    errors: dict[str, str] = {}
    if not details.name.strip():
        errors["name"] = "Enter the operation's name"
    if not details.aims.strip():
        errors["aims"] = "Enter what the operation aims to do"
    if details.opened_on is None:
        errors["opened_on"] = "Enter the date the operation opened"
    else:
        check_dates(errors, {"opened_on": plausible_event(details.opened_on, "date it opened")})
    children = _children(actor, details.children, errors)
    if not children:
        errors.setdefault("children", "Enter the record number of at least one child")
    subjects = _subjects(actor, details.subjects, errors)
    members = _members(details.members, errors)
    if errors:
        raise ValidationError(errors)
    assert details.opened_on is not None
    operation = Operation.objects.create(
        name=details.name.strip(), aims=details.aims.strip(), opened_on=details.opened_on, created_by=actor
    )
    operation.children.set(children)
    operation.subjects.set(subjects)
    operation.members.set({actor, *members})
    record_event(
        actor,
        Action.CREATE,
        operation,
        detail={
            "children": [c.pk for c in children],
            "subjects": [s.pk for s in subjects],
            "members": sorted(u.pk for u in {actor, *members}),
        },
    )
    return operation


def _open_for(operation: Operation, actor: User) -> None:
    require(actor, Perm.RECORD_INTELLIGENCE)
    if not operation.open_to(actor):
        raise PermissionDenied("only the operation's members may change it")
    locks.claim(operation)
    if operation.status != OperationStatus.OPEN:
        raise ValidationError("This operation is closed")


@transaction.atomic
def change_operation(
    operation: Operation,
    *,
    actor: User,
    children: tuple[int, ...],
    subjects: tuple[int, ...],
    members: tuple[int, ...],
) -> Operation:
    """The children, subjects and access list (whoever opened it stays on it)."""
    _open_for(operation, actor)
    errors: dict[str, str] = {}
    found_children = _children(actor, children, errors)
    if not found_children:
        errors.setdefault("children", "Enter the record number of at least one child")
    found_subjects = _subjects(actor, subjects, errors)
    found_members = _members(members, errors)
    if errors:
        raise ValidationError(errors)
    before = sorted(operation.members.values_list("pk", flat=True))
    operation.children.set(found_children)
    operation.subjects.set(found_subjects)
    operation.members.set({operation.created_by, *found_members})
    record_event(
        actor,
        Action.UPDATE,
        operation,
        detail={
            "children": [c.pk for c in found_children],
            "subjects": [s.pk for s in found_subjects],
            "members": [before, sorted(operation.members.values_list("pk", flat=True))],
        },
    )
    return operation


@transaction.atomic
def record_decision(operation: Operation, text: str, decided_on: dt.date | None, *, actor: User) -> Decision:
    _open_for(operation, actor)
    errors: dict[str, str] = {}
    if not text.strip():
        errors["text"] = "Enter the decision"
    if decided_on is None:
        errors["decided_on"] = "Enter the date of the decision"
    else:
        check_dates(errors, {"decided_on": plausible_event(decided_on, "date of the decision")})
    if errors:
        raise ValidationError(errors)
    assert decided_on is not None
    decision = Decision.objects.create(
        operation=operation, decided_on=decided_on, text=text.strip(), recorded_by=actor
    )
    record_event(actor, Action.CREATE, decision, detail={"operation": operation.pk})
    return decision


@transaction.atomic
def agree_action(operation: Operation, task: tasks.NewTask, *, actor: User) -> Task:
    """An action in the hub's one list of actions, about the operation's children, linked
    to the operation. The action's timeline entry names the operation only as "a joint
    operation"."""
    _open_for(operation, actor)
    children = list(operation.children.all())
    row = tasks.agree_task(
        task,
        children,
        actor=actor,
        source=Source.OTHER,
        source_label="Joint operation",
        link=reverse("disruption:operation", args=[operation.pk]),
    )
    OperationTask.objects.create(operation=operation, task=row)
    record_event(actor, Action.UPDATE, operation, detail={"task": row.pk})
    return row


@transaction.atomic
def arrange_meeting(operation: Operation, date: dt.date | None, *, actor: User) -> Meeting:
    """A meeting of type "Joint operation meeting" linked to the operation; its agenda is
    built by hand in the meetings app. Its title does not name the operation (the meeting
    list is open to everyone who reads minutes)."""
    _open_for(operation, actor)
    require(actor, Perm.RUN_MEETINGS)
    if date is None:
        raise ValidationError({"date": "Enter the date of the meeting"})
    meeting_type = MeetingType.objects.filter(code=JOINT_OPERATION_MEETING).first()
    if meeting_type is None:
        raise ValidationError({"date": "The hub has no joint operation meeting type"})
    meeting = meetings.start_meeting(
        meeting_type, date, actor=actor, title=f"Joint operation {operation.pk}", build=False
    )
    OperationMeeting.objects.create(operation=operation, meeting=meeting)
    record_event(actor, Action.UPDATE, operation, detail={"meeting": meeting.pk})
    return meeting


@transaction.atomic
def close_operation(
    operation: Operation, summary: str, *, actor: User, on: dt.date | None = None
) -> Operation:
    _open_for(operation, actor)
    day = on or timezone.localdate()
    errors: dict[str, str] = {}
    if not summary.strip():
        errors["summary"] = "Enter the closure summary: what the operation achieved for the children"
    check_dates(errors, {"closed_on": plausible_event(day, "date it closed")})
    if day < operation.opened_on:
        errors["closed_on"] = "The operation cannot close before it opened"
    if errors:
        raise ValidationError(errors)
    operation.status, operation.closed_on, operation.closure_summary = (
        OperationStatus.CLOSED,
        day,
        summary.strip(),
    )
    operation.save()
    record_event(actor, Action.UPDATE, operation, detail={"status": operation.status})
    return operation
