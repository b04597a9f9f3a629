"""The one write path for supervision and management oversight."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.casework.models import Episode
from cshub.core.dates import check_dates, plausible_event
from cshub.people.access import may_see
from cshub.people.actions import require
from cshub.people.models import TimelineKind
from cshub.people.timeline import add_entry
from cshub.supervision.models import Kind, Oversight, Supervision
from cshub.tasks.actions import NewTask, agree_task
from cshub.tasks.models import Source


@dataclass(frozen=True)
class SupervisionRecord:
    kind: str
    held_on: dt.date
    supervisee: User
    discussion: str
    decisions: str
    reflection: str = ""
    locality_worker: str = ""  # joint sessions only
    others_present: str = ""
    others: tuple[Episode, ...] = ()  # group sessions: the other children's open episodes


@transaction.atomic
def record_supervision(
    episode: Episode, record: SupervisionRecord, *, actor: User, tasks: Sequence[NewTask] = ()
) -> Supervision:
    require(actor, Perm.RECORD_SUPERVISION)
    if not episode.is_open:
        raise ValidationError("The episode is closed: supervision is recorded on an open episode")
    errors: dict[str, str] = {}
    if record.kind not in Kind.values:
        errors["kind"] = "Select the kind of supervision"
    if record.kind == Kind.JOINT and not record.locality_worker.strip():
        errors["locality_worker"] = "Name the locality social worker: joint supervision is with them"
    others = list(dict.fromkeys(e for e in record.others if e.pk != episode.pk))
    if record.kind == Kind.GROUP and not others:
        errors["others"] = "Select the other children discussed: a group session is about several children"
    elif record.kind != Kind.GROUP and others:
        errors["others"] = "Other children are discussed in group supervision: select group, or untick them"
    elif any(not e.is_open for e in others):
        errors["others"] = "Supervision is recorded on open episodes: untick the closed ones"
    elif any(not may_see(actor, e.person) for e in others):
        errors["others"] = "Select only children whose records you can see"
    if record.kind == Kind.REFLECTIVE and not record.reflection.strip():
        errors["reflection"] = "Write the reflective analysis"
    if not record.discussion.strip():
        errors["discussion"] = "Record what was discussed"
    if not record.decisions.strip():
        errors["decisions"] = "Record the decisions made"
    if record.held_on > timezone.localdate():
        errors["held_on"] = "The date must be today or in the past"
    elif record.held_on < episode.open_date:
        errors["held_on"] = "The date cannot be before the episode opened"
    check_dates(errors, {"held_on": plausible_event(record.held_on, "date")})
    if errors:
        raise ValidationError(errors)
    supervision = Supervision.objects.create(
        episode=episode,
        kind=record.kind,
        held_on=record.held_on,
        supervisor=actor,
        supervisee=record.supervisee,
        # Only a joint session is with the locality social worker (the form offers the
        # episode's one for every kind).
        locality_worker=record.locality_worker.strip() if record.kind == Kind.JOINT else "",
        others_present=record.others_present.strip(),
        discussion=record.discussion.strip(),
        reflection=record.reflection.strip(),
        decisions=record.decisions.strip(),
        recorded_by=actor,
    )
    link = reverse("supervision:detail", args=[supervision.pk])
    label = f"{supervision.get_kind_display().split(' (')[0]} supervision, {record.held_on:%-d %B %Y}"
    supervision.group_episodes.set(others)
    children = [episode.person, *(e.person for e in others)]
    agreed = [
        agree_task(task, children, actor=actor, source=Source.SUPERVISION, source_label=label, link=link)
        for task in tasks
    ]
    supervision.tasks.set(agreed)
    with_whom = f" with {supervision.locality_worker}" if supervision.locality_worker else ""
    # A group session goes on each child's timeline, naming no other child.
    about = f" (about {len(children)} children)" if others else ""
    for child in children:
        record_event(actor, Action.CREATE, supervision, child_id=child.pk)
        add_entry(
            child,
            TimelineKind.SUPERVISION,
            f"{label}{about}{with_whom}. Decisions: {supervision.decisions}",
            actor=actor,
            occurred_at=record.held_on,
            source=supervision,
            link=link,
        )
    return supervision


@transaction.atomic
def record_oversight(episode: Episode, decision: str, reason: str, *, actor: User) -> Oversight:
    require(actor, Perm.REVIEW_CASEWORK)
    if not episode.is_open:
        raise ValidationError("The episode is closed: oversight is recorded on an open episode")
    errors = {}
    if not decision.strip():
        errors["decision"] = "Record the decision"
    if not reason.strip():
        errors["reason"] = "Give the reason for the decision"
    if errors:
        raise ValidationError(errors)
    oversight = Oversight.objects.create(
        episode=episode, decision=decision.strip(), reason=reason.strip(), recorded_by=actor
    )
    record_event(actor, Action.CREATE, oversight, child_id=episode.person_id)
    add_entry(
        episode.person,
        TimelineKind.OVERSIGHT,
        f"Management oversight: {oversight.decision} Reason: {oversight.reason}",
        actor=actor,
        source=oversight,
        link=reverse("supervision:child", args=[episode.person_id]),
    )
    return oversight
