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
    locality_worker: str = ""
    others_present: str = ""


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
        locality_worker=record.locality_worker.strip(),
        others_present=record.others_present.strip(),
        discussion=record.discussion.strip(),
        reflection=record.reflection.strip(),
        decisions=record.decisions.strip(),
        recorded_by=actor,
    )
    link = reverse("supervision:detail", args=[supervision.pk])
    label = f"{supervision.get_kind_display().split(' (')[0]} supervision, {record.held_on:%-d %B %Y}"
    agreed = [
        agree_task(
            task, [episode.person], actor=actor, source=Source.SUPERVISION, source_label=label, link=link
        )
        for task in tasks
    ]
    supervision.tasks.set(agreed)
    record_event(actor, Action.CREATE, supervision, child_id=episode.person_id)
    with_whom = f" with {supervision.locality_worker}" if supervision.locality_worker else ""
    add_entry(
        episode.person,
        TimelineKind.SUPERVISION,
        f"{label}{with_whom}. Decisions: {supervision.decisions}",
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
