"""The one write path for meetings: start one (and build its agenda), change the agenda,
minute it (attendance, information shared, decisions, actions) and close it, when every
decision lands on each child's timeline and every action becomes a Task for its owner."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.core import locks
from cshub.core.codes import Agency
from cshub.core.dates import format_date, plausible_event
from cshub.meetings import agenda
from cshub.meetings.models import (
    BY_HAND,
    AgendaItem,
    AgreedAction,
    Attendance,
    LawfulBasis,
    Meeting,
    MeetingFlag,
    MeetingType,
    SharedInformation,
    SourceKind,
    Status,
)
from cshub.people.actions import require
from cshub.people.models import Person, TimelineKind
from cshub.people.timeline import add_entry
from cshub.tasks import actions as tasks
from cshub.tasks.models import Source


def _open_for_minutes(meeting: Meeting) -> None:
    """Refuses changes to a closed meeting. Every change to a meeting's agenda or minutes
    takes the meeting's row lock first, so autosaves, agenda builds and closing run one at
    a time per meeting (asking the database: the caller's copy may be stale)."""
    status = Meeting.objects.select_for_update().filter(pk=meeting.pk).values_list("status", flat=True)
    if meeting.is_closed or status.first() == Status.CLOSED:
        raise ValidationError("This meeting is closed: its minutes can no longer change")


def _began(meeting: Meeting, at: dt.datetime | None = None) -> None:
    if meeting.status == Status.PLANNED:
        meeting.status = Status.IN_PROGRESS
        meeting.started_at = at or timezone.now()
        meeting.save(update_fields=["status", "started_at"])


def item_link(item: AgendaItem) -> str:
    return f"{reverse('meetings:detail', args=[item.meeting_id])}#{item.anchor}"


# The meeting and its agenda -----------------------------------------------------------


@transaction.atomic
def start_meeting(
    meeting_type: MeetingType,
    date: dt.date,
    *,
    actor: User,
    chair: User | None = None,
    title: str = "",
    build: bool = True,
    at: dt.datetime | None = None,
) -> Meeting:
    """Create the meeting (a daily meeting once per date: asking again returns the same one)
    and build its agenda."""
    require(actor, Perm.RUN_MEETINGS)
    if problem := plausible_event(date, "date of the meeting", future=True):
        raise ValidationError({"date": problem})
    if meeting_type.one_per_day:
        existing = Meeting.objects.filter(meeting_type=meeting_type, date=date).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            meeting = Meeting.objects.create(
                meeting_type=meeting_type,
                date=date,
                one_per_day=meeting_type.one_per_day,
                title=title.strip(),
                chair=chair or actor,
                created_by=actor,
                created_at=at or timezone.now(),
            )
    except IntegrityError:  # another chair started it at the same moment
        return Meeting.objects.get(meeting_type=meeting_type, date=date)
    record_event(actor, Action.CREATE, meeting, detail={"type": meeting_type.code, "date": date.isoformat()})
    if build:
        build_agenda(meeting, actor=actor, at=at)
    return meeting


def _next_order(meeting: Meeting) -> int:
    return (meeting.items.aggregate(m=Max("order"))["m"] or 0) + 1


@transaction.atomic
def build_agenda(meeting: Meeting, *, actor: User, at: dt.datetime | None = None) -> list[AgendaItem]:
    """Add the items the meeting's agenda rules give that it does not have yet: one item a
    child with each reason listed, ordered by risk (`agenda.by_child`); a new reason about a
    child already on the agenda joins their item. Idempotent: an item removed by the chair
    is not added again; nothing is duplicated."""
    require(actor, Perm.RUN_MEETINGS)
    _open_for_minutes(meeting)
    have = agenda.item_keys(meeting.items.all())
    order = _next_order(meeting)
    added: list[AgendaItem] = []
    grouped = 0
    fresh = [c for c in agenda.candidates(meeting) if (c.kind, c.key) not in have]
    # A child's item already on the agenda (built before, not removed) takes their new
    # reasons in its place: the chair's order stands.
    current: dict[int, AgendaItem] = {}
    for item in meeting.items.current().exclude(source_key="").prefetch_related("children"):
        children = list(item.children.all())
        if len(children) == 1 and item.source_kind not in agenda.UNGROUPED:
            current.setdefault(children[0].pk, item)
    for group in agenda.by_child(fresh):
        existing = current.get(group.child_id) if group.child_id is not None else None
        if existing is not None:
            sources = existing.sources or [
                {
                    "kind": existing.source_kind,
                    "key": existing.source_key,
                    "title": existing.title,
                    "reason": existing.reason,
                }
            ]
            existing.sources = sources + group.sources()
            existing.reason = agenda.reason_text(existing.sources)
            existing.updated_at = at or timezone.now()
            existing.save(update_fields=["sources", "reason", "updated_at"])
            grouped += len(group.candidates)
            continue
        lead = group.lead
        item = AgendaItem.objects.create(
            meeting=meeting,
            order=order,
            source_kind=lead.kind,
            source_key=lead.key,
            title=lead.title[:200],
            reason=agenda.reason_text(group.sources()),
            sources=group.sources(),
            created_at=at or timezone.now(),
            updated_at=at or timezone.now(),
        )
        item.children.set(lead.children)
        if group.child_id is not None:
            current[group.child_id] = item
        added.append(item)
        order += 1
    record_event(actor, Action.UPDATE, meeting, detail={"agenda_built": len(added), "reasons_added": grouped})
    return added


@transaction.atomic
def add_item(
    meeting: Meeting,
    kind: str,
    title: str,
    children: Iterable[Person],
    *,
    actor: User,
    reason: str = "",
) -> AgendaItem:
    require(actor, Perm.RUN_MEETINGS)
    _open_for_minutes(meeting)
    people = list(children)
    errors: dict[str, str] = {}
    if kind not in BY_HAND:
        errors["kind"] = "Select what the item is about"
    if not title.strip():
        errors["title"] = "Enter a short title, without the child's name"
    if not people:
        errors["children"] = "Choose at least one child the item is about"
    if errors:
        raise ValidationError(errors)
    item = AgendaItem.objects.create(
        meeting=meeting,
        order=_next_order(meeting),
        source_kind=kind,
        title=title.strip()[:200],
        reason=reason.strip(),
        added_by=actor,
    )
    item.children.set(people)
    record_event(actor, Action.CREATE, item, detail={"children": [p.pk for p in people]})
    return item


@transaction.atomic
def move_item(item: AgendaItem, direction: str, *, actor: User) -> None:
    """Swap the item with its neighbour above ("up") or below ("down")."""
    require(actor, Perm.RUN_MEETINGS)
    _open_for_minutes(item.meeting)
    items = list(item.meeting.items.current().order_by("order", "id"))
    i = next(n for n, it in enumerate(items) if it.pk == item.pk)
    j = i - 1 if direction == "up" else i + 1
    if direction not in ("up", "down") or not 0 <= j < len(items):
        return
    items[i], items[j] = items[j], items[i]
    for n, it in enumerate(items, start=1):
        if it.order != n:
            it.order = n
            it.save(update_fields=["order"])
    record_event(actor, Action.UPDATE, item, detail={"moved": direction})


@transaction.atomic
def remove_item(item: AgendaItem, *, actor: User) -> None:
    """Take an item off the agenda. It stays removed when the agenda is built again."""
    require(actor, Perm.RUN_MEETINGS)
    _open_for_minutes(item.meeting)
    item.removed_at = timezone.now()
    item.removed_by = actor
    item.save(update_fields=["removed_at", "removed_by"])
    record_event(actor, Action.UPDATE, item, detail={"removed": True})


# Minutes ------------------------------------------------------------------------------


@transaction.atomic
def record_attendance(
    meeting: Meeting, agency: str, name: str, *, present: bool = True, actor: User
) -> Attendance:
    require(actor, Perm.RUN_MEETINGS)
    _open_for_minutes(meeting)
    errors = {}
    if agency not in Agency.values:
        errors["agency"] = "Select the agency"
    if not name.strip():
        errors["name"] = "Enter the name of who attended or sent apologies"
    if errors:
        raise ValidationError(errors)
    row = Attendance.objects.create(meeting=meeting, agency=agency, name=name.strip()[:120], present=present)
    _began(meeting)
    record_event(actor, Action.CREATE, row)
    return row


@transaction.atomic
def remove_attendance(row: Attendance, *, actor: User) -> None:
    require(actor, Perm.RUN_MEETINGS)
    _open_for_minutes(row.meeting)
    record_event(actor, Action.UPDATE, row, detail={"deleted": True})
    row.delete()


@transaction.atomic
def save_minutes(
    item: AgendaItem, *, discussion: str, decision: str, actor: User, at: dt.datetime | None = None
) -> AgendaItem:
    """The item's discussion and decision (autosaved while typing)."""
    require(actor, Perm.RUN_MEETINGS)
    _open_for_minutes(item.meeting)
    if item.removed_at is not None:
        raise ValidationError("This item was removed from the agenda")
    changed = item.discussion != discussion or item.decision != decision
    if changed:
        item.discussion = discussion
        item.decision = decision
        item.updated_at = at or timezone.now()
        item.save(update_fields=["discussion", "decision", "updated_at"])
        record_event(actor, Action.UPDATE, item, detail={"minutes": True})
    _began(item.meeting, at)
    return item


@transaction.atomic
def share_information(
    item: AgendaItem, agency: str, text: str, lawful_basis: str, *, actor: User, at: dt.datetime | None = None
) -> SharedInformation:
    require(actor, Perm.RUN_MEETINGS)
    _open_for_minutes(item.meeting)
    errors = {}
    if agency not in Agency.values:
        errors["agency"] = "Select the agency that shared the information"
    if not text.strip():
        errors["text"] = "Enter what was shared"
    if lawful_basis not in LawfulBasis.values:
        errors["lawful_basis"] = "Select the basis on which it was shared"
    if errors:
        raise ValidationError(errors)
    row = SharedInformation.objects.create(
        item=item,
        agency=agency,
        text=text.strip(),
        lawful_basis=lawful_basis,
        recorded_by=actor,
        recorded_at=at or timezone.now(),
    )
    _began(item.meeting, at)
    record_event(actor, Action.CREATE, row, detail={"lawful_basis": lawful_basis})
    return row


@transaction.atomic
def remove_shared(row: SharedInformation, *, actor: User) -> None:
    require(actor, Perm.RUN_MEETINGS)
    _open_for_minutes(row.item.meeting)
    record_event(actor, Action.UPDATE, row, detail={"deleted": True})
    row.delete()


@dataclass(frozen=True)
class ProposedAction:
    description: str
    due_date: dt.date | None
    owner: User | None = None
    owner_name: str = ""
    owner_agency: str = ""


@transaction.atomic
def add_action(
    item: AgendaItem, proposed: ProposedAction, *, actor: User, at: dt.datetime | None = None
) -> AgreedAction:
    """An action agreed on the item. It becomes a Task (in the owner's open actions and on
    each child's timeline) when the meeting closes."""
    require(actor, Perm.RUN_MEETINGS)
    _open_for_minutes(item.meeting)
    agency = proposed.owner_agency or (proposed.owner.agency if proposed.owner else "")
    errors: dict[str, str] = {}
    if proposed.due_date is None:
        errors["due_date"] = "Select when it is due"
    elif proposed.due_date < item.meeting.date:
        errors["due_date"] = "The due date must be on or after the meeting"
    try:
        tasks.validate(
            tasks.NewTask(
                proposed.description,
                agency,
                proposed.due_date or item.meeting.date,
                owner=proposed.owner,
                owner_name=proposed.owner_name,
            ),
            people=list(item.children.all()),
        )
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    assert proposed.due_date is not None
    row = AgreedAction.objects.create(
        item=item,
        description=proposed.description.strip(),
        owner=proposed.owner,
        owner_name="" if proposed.owner else proposed.owner_name.strip(),
        owner_agency=agency,
        due_date=proposed.due_date,
        recorded_by=actor,
        recorded_at=at or timezone.now(),
    )
    _began(item.meeting, at)
    record_event(actor, Action.CREATE, row)
    return row


@transaction.atomic
def remove_action(row: AgreedAction, *, actor: User) -> None:
    require(actor, Perm.RUN_MEETINGS)
    _open_for_minutes(row.item.meeting)
    record_event(actor, Action.UPDATE, row, detail={"deleted": True})
    row.delete()


# Closing ------------------------------------------------------------------------------


@transaction.atomic
def close_meeting(meeting: Meeting, *, actor: User, at: dt.datetime | None = None) -> Meeting:
    """Close the meeting: every item's decision goes on each of its children's timelines,
    every action becomes a Task for its owner, the flags for children discussed are
    consumed. Every item needs a decision (or is removed) first."""
    require(actor, Perm.RUN_MEETINGS)
    meeting = Meeting.objects.select_for_update().select_related("meeting_type").get(pk=meeting.pk)
    _open_for_minutes(meeting)
    at = at or timezone.now()
    items = list(
        meeting.items.current().prefetch_related("children", "actions__owner").order_by("order", "id")
    )
    undecided = [n for n, item in enumerate(items, start=1) if not item.decision.strip()]
    if undecided:
        numbers = ", ".join(str(n) for n in undecided)
        raise ValidationError(
            f"Record a decision on item{'s' if len(undecided) > 1 else ''} {numbers} "
            "(or remove the item) before closing the meeting"
        )
    label = f"{meeting.name}, {format_date(meeting.date)}"
    for item in items:
        children = list(item.children.all())
        link = item_link(item)
        mixed = len(children) > 1 and any(p.restricted for p in children)
        for person in children:
            add_entry(
                person,
                TimelineKind.MEETING_DECISION,
                f"{label} — {item.title}. Decision: {item.decision.strip()}"
                if person.restricted or not mixed
                else f"{label}: discussed with a child whose record is restricted (details restricted)",
                actor=actor,
                occurred_at=at,
                source=item,
                link=link,
            )
        for proposed in item.actions.all():
            task = tasks.agree_task(
                tasks.NewTask(
                    proposed.description,
                    proposed.owner_agency,
                    proposed.due_date,
                    owner=proposed.owner,
                    owner_name=proposed.owner_name,
                ),
                children,
                actor=actor,
                source=Source.MEETING,
                source_label=label,
                link=link,
                at=at,
            )
            proposed.task = task
            proposed.save(update_fields=["task"])
        flags = MeetingFlag.objects.open().filter(person__in=children, raised_at__lte=at)
        for flag in flags if SourceKind.FLAGGED in meeting.meeting_type.sources else []:
            flag.consumed_at = at
            flag.consumed_by = item
            flag.save(update_fields=["consumed_at", "consumed_by"])
            record_event(actor, Action.UPDATE, flag, child_id=flag.person_id, detail={"consumed_by": item.pk})
    meeting.status = Status.CLOSED
    meeting.closed_at = at
    meeting.closed_by = actor
    if meeting.started_at is None:
        meeting.started_at = at
    meeting.save(update_fields=["status", "closed_at", "closed_by", "started_at"])
    record_event(
        actor,
        Action.UPDATE,
        meeting,
        detail={
            "closed": True,
            "items": len(items),
            "children": sorted({p.pk for i in items for p in i.children.all()}),
        },
    )
    return meeting


# Flags from a child's page --------------------------------------------------------------


@transaction.atomic
def flag_for_meeting(
    person: Person, reason: str, *, actor: User, at: dt.datetime | None = None
) -> MeetingFlag:
    """Bring a child to the next daily meeting, with why."""
    require(actor, Perm.VIEW_MINUTES)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the child needs to come to the daily meeting"})
    locks.hold(locks.child(person.pk))
    if MeetingFlag.objects.open().filter(person=person).exists():
        raise ValidationError({"reason": "This child is already on the way to the next daily meeting"})
    flag = MeetingFlag.objects.create(
        person=person, reason=reason.strip(), raised_by=actor, raised_at=at or timezone.now()
    )
    record_event(actor, Action.CREATE, flag, child_id=person.pk)
    add_entry(
        person,
        TimelineKind.FLAGGED_FOR_MEETING,
        f"Brought to the daily meeting by {actor.get_full_name()}: {flag.reason}",
        actor=actor,
        occurred_at=flag.raised_at,
        source=flag,
        link=reverse("casework:child", args=[person.pk]),
    )
    return flag
