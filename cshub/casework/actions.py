"""The one write path for hub episodes and case summaries."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.changes import change_detail, snapshot
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.casework import signals
from cshub.casework.models import Assessment, CaseSummary, Episode, FeedbackHow, RiskLevel
from cshub.core import locks
from cshub.core.codes import Outcome
from cshub.core.dates import check_dates, format_date, plausible_event
from cshub.missing.models import MissingEpisode
from cshub.people.actions import require
from cshub.people.models import Person, TimelineKind
from cshub.people.timeline import add_entry
from cshub.referrals.models import Decision, Referral


def _link(episode: Episode) -> str:
    return reverse("casework:episode", args=[episode.pk])


@transaction.atomic
def open_episode(
    referral: Referral,
    *,
    actor: User,
    open_date: dt.date | None = None,
    allocated_worker: User | None = None,
    source_id: str | None = None,
) -> Episode:
    """Open a hub episode from a referral whose threshold decision is OPEN."""
    require(actor, Perm.OPEN_EPISODE)
    open_date = open_date or timezone.localdate()
    person = Person.objects.select_for_update().get(pk=referral.person_id)
    errors: dict[str, str] = {}
    if referral.decision != Decision.OPEN:
        errors["referral"] = (
            "An episode can only be opened from a referral whose decision is to open to the hub"
        )
    if Episode.objects.filter(referral=referral).exists():
        errors["referral"] = "An episode has already been opened from this referral"
    if person.episodes.open().exists():
        errors["open_date"] = "This child already has an open hub episode"
    if open_date < referral.received_date:
        errors["open_date"] = "The episode cannot open before the referral was received"
    check_dates(errors, {"open_date": plausible_event(open_date, "opening date")})
    last = person.episodes.exclude(close_date__isnull=True).order_by("-close_date").first()
    if last and last.close_date and open_date <= last.close_date:
        errors["open_date"] = (
            f"The episode must open after the last one closed ({format_date(last.close_date)})"
        )
    if errors:
        raise ValidationError(errors)
    episode = Episode.objects.create(
        person=person,
        referral=referral,
        open_date=open_date,
        opened_by=actor,
        allocated_worker=allocated_worker,
        source_id=source_id,
    )
    record_event(actor, Action.CREATE, episode, child_id=person.pk)
    add_entry(
        person,
        TimelineKind.EPISODE_OPENED,
        "Hub episode opened",
        actor=actor,
        occurred_at=open_date,
        source=episode,
        link=_link(episode),
    )
    if allocated_worker:
        add_entry(
            person,
            TimelineKind.ALLOCATED,
            f"Allocated to {allocated_worker}",
            actor=actor,
            occurred_at=open_date,
            source=episode,
            link=_link(episode),
        )
    signals.episode_changed.send(Episode, episode=episode, actor=actor)
    return episode


@dataclass(frozen=True)
class Allocation:
    allocated_worker: User | None
    locality_social_worker: str = ""
    lead_professional: str = ""
    lead_professional_agency: str = ""


@transaction.atomic
def allocate_episode(
    episode: Episode, allocation: Allocation, *, actor: User, at: dt.datetime | dt.date | None = None
) -> Episode:
    """Change who is involved (`at`: when, for back-filled history; default now)."""
    require(actor, Perm.OPEN_EPISODE)
    if not episode.is_open:
        raise ValidationError({"allocated_worker": "A closed episode cannot be allocated"})
    if allocation.allocated_worker is not None and not allocation.allocated_worker.has(
        Perm.WRITE_CASE_SUMMARY
    ):
        raise ValidationError({"allocated_worker": "Allocate to a hub worker who can hold cases"})
    changed = []
    before = snapshot(episode, allocation.__dict__)
    for name, value in allocation.__dict__.items():
        if getattr(episode, name) != value:
            setattr(episode, name, value)
            changed.append(name)
    if not changed:
        return episode
    episode.save()
    if {"lead_professional", "lead_professional_agency"} & set(changed):
        # One lead at a time: a team member who was lead is no longer, unless named again.
        episode.team.filter(lead=True, to_date__isnull=True).exclude(
            name=allocation.lead_professional, agency=allocation.lead_professional_agency
        ).update(lead=False)
    record_event(
        actor,
        Action.UPDATE,
        episode,
        child_id=episode.person_id,
        detail=change_detail(before, snapshot(episode, allocation.__dict__)),
    )
    parts = []
    if "allocated_worker" in changed:
        parts.append(f"Hub worker: {allocation.allocated_worker or 'unallocated'}")
    if "locality_social_worker" in changed:
        parts.append(f"Locality social worker: {allocation.locality_social_worker or 'none'}")
    if {"lead_professional", "lead_professional_agency"} & set(changed):
        parts.append(f"Lead professional: {allocation.lead_professional or 'none'}")
    add_entry(
        episode.person,
        TimelineKind.ALLOCATED,
        "; ".join(parts),
        actor=actor,
        occurred_at=at,
        source=episode,
        link=_link(episode),
    )
    return episode


@dataclass(frozen=True)
class CaseSummaryText:
    who_the_child_is: str
    current_risks: str
    what_is_working: str
    the_plan: str


@transaction.atomic
def write_case_summary(
    person: Person, text: CaseSummaryText, *, actor: User, at: dt.datetime | None = None
) -> CaseSummary:
    """A new version of the case summary (`at`: when, for back-filled history; default now)."""
    require(actor, Perm.WRITE_CASE_SUMMARY)
    at = at or timezone.now()
    errors = {
        name: "This part of the summary cannot be empty"
        for name, value in text.__dict__.items()
        if not value.strip()
    }
    if errors:
        raise ValidationError(errors)
    parts = list(text.__dict__)
    previous = CaseSummary.objects.filter(person=person).order_by("-written_at", "-pk").first()
    summary = CaseSummary.objects.create(
        person=person, written_by=actor, written_at=at, **{k: v.strip() for k, v in text.__dict__.items()}
    )
    # A new version: its event keeps each part that differs from the version before.
    before = snapshot(previous, parts) if previous else {}
    record_event(
        actor,
        Action.CREATE,
        summary,
        child_id=person.pk,
        detail=change_detail(before, snapshot(summary, parts)),
    )
    add_entry(
        person,
        TimelineKind.CASE_SUMMARY,
        "Case summary updated",
        actor=actor,
        occurred_at=at,
        source=summary,
        link=reverse("casework:child", args=[person.pk]),
    )
    return summary


def closure_warnings(episode: Episode, on: dt.date) -> list[str]:
    """Why closing on `on` may be premature: the review found cases closed on an optimistic
    level and re-opened weeks later. Looked at up to today at the earliest, so a back-dated
    closing date cannot leave out what has happened since."""
    on = max(on, timezone.localdate())
    found = []
    last = episode.assessments.filter(completed_date__lte=on).first()
    if last and last.risk_level in (RiskLevel.MEDIUM, RiskLevel.HIGH):
        found.append(
            f"the last assessment ({format_date(last.completed_date)}) found {last.get_risk_level_display().lower()} risk"
        )
    since = on - dt.timedelta(days=29)
    start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(on + dt.timedelta(days=1), dt.time.min))
    missing = MissingEpisode.objects.filter(
        person=episode.person, reported_at__gte=start, reported_at__lt=end
    ).count()
    if missing:
        found.append(
            f"reported missing {missing} time{'s' if missing != 1 else ''} in the 30 days up to closure"
        )
    return found


@dataclass(frozen=True)
class Closure:
    close_date: dt.date
    closure_summary: str
    outcome_eet: str
    outcome_stable_accommodation: str
    outcome_positive_relationship: str
    feedback_child: bool
    feedback_parent_carer: bool
    step_down_to: str = ""
    child_view_of_ending: str = ""
    feedback_child_said: str = ""
    feedback_child_how: str = ""
    feedback_parent_carer_said: str = ""
    feedback_parent_carer_how: str = ""


# What recording, authorising and returning a closure change on the episode (its audit
# event keeps them before and after).
CLOSURE_FIELDS = (
    "proposed_close_date",
    "close_date",
    *(name for name in Closure.__dataclass_fields__ if name != "close_date"),
    "closure_requested_at",
    "closure_requested_by",
    "closure_warnings",
    "closure_override_reason",
    "closure_authorised_by",
    "closure_authorised_at",
)

FEEDBACK_FROM = {"feedback_child": "the child", "feedback_parent_carer": "the parent or carer"}


def feedback_errors(values: dict[str, Any]) -> dict[str, str]:
    """Feedback ticked needs the words and how they were gathered; words need the tick."""
    errors: dict[str, str] = {}
    for tick, who in FEEDBACK_FROM.items():
        said, how = str(values.get(f"{tick}_said") or "").strip(), values.get(f"{tick}_how") or ""
        if values.get(tick):
            if not said:
                errors[f"{tick}_said"] = f"Record what {who} said, in their words"
            if how not in FeedbackHow.values:
                errors[f"{tick}_how"] = f"Select how {who}'s feedback was gathered"
        elif said or how:
            errors[tick] = f"Tick that feedback was obtained from {who}, or remove what they said"
    return errors


def _validate_closure(episode: Episode, closure: Closure) -> None:
    errors: dict[str, str] = {}
    if not episode.is_open:
        errors["close_date"] = "This episode is already closed"
    elif closure.close_date < episode.open_date:
        errors["close_date"] = (
            f"The closing date must be on or after the opening date ({format_date(episode.open_date)})"
        )
    check_dates(errors, {"close_date": plausible_event(closure.close_date, "closing date")})
    if not closure.closure_summary.strip():
        errors["closure_summary"] = (
            "Enter a closure summary: what changed for the child, and why the hub is ending its work"
        )
    for name in ("outcome_eet", "outcome_stable_accommodation", "outcome_positive_relationship"):
        if getattr(closure, name) not in Outcome.values:
            errors[name] = "Select an answer"
    errors |= feedback_errors(closure.__dict__)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_closure(
    episode: Episode,
    closure: Closure,
    *,
    actor: User,
    at: dt.datetime | None = None,
    override_reason: str = "",
) -> Episode:
    """The worker records the closure; it waits for a team manager's authorisation.
    A team manager recording it authorises it at the same time (giving `override_reason`
    when the closure carries warnings).
    `at`: when it was recorded, for back-filled history; default now."""
    require(actor, Perm.CLOSE_EPISODE)
    locks.claim(episode)
    _validate_closure(episode, closure)
    warnings = closure_warnings(episode, closure.close_date)
    if warnings and actor.has(Perm.AUTHORISE_CLOSURE) and not override_reason.strip():
        raise ValidationError({"override_reason": _OVERRIDE_MESSAGE})
    before = snapshot(episode, CLOSURE_FIELDS)
    episode.closure_warnings = warnings
    for name, value in closure.__dict__.items():
        if name == "close_date":
            episode.proposed_close_date = value
        else:
            setattr(episode, name, value.strip() if isinstance(value, str) else value)
    episode.closure_requested_at = at or timezone.now()
    episode.closure_requested_by = actor
    episode.save()
    record_event(
        actor,
        Action.UPDATE,
        episode,
        child_id=episode.person_id,
        detail=change_detail(before, snapshot(episode, CLOSURE_FIELDS), closure="recorded"),
    )
    add_entry(
        episode.person,
        TimelineKind.CLOSURE_REQUESTED,
        f"Closure recorded for {format_date(closure.close_date)}: {episode.closure_summary}",
        actor=actor,
        occurred_at=episode.closure_requested_at,
        source=episode,
        link=_link(episode),
    )
    if actor.has(Perm.AUTHORISE_CLOSURE):
        authorise_closure(episode, actor=actor, at=at, reason=override_reason)
    return episode


_OVERRIDE_MESSAGE = "Give your reason for closing despite the warnings"


@transaction.atomic
def authorise_closure(
    episode: Episode, *, actor: User, at: dt.datetime | None = None, reason: str = ""
) -> Episode:
    """Close the episode. When the closure carries warnings, the manager's reason to go on
    is required and kept with the episode and on the timeline."""
    require(actor, Perm.AUTHORISE_CLOSURE)
    locks.claim(episode)
    if not episode.is_open or episode.closure_requested_at is None or episode.proposed_close_date is None:
        raise ValidationError({"episode": "There is no closure waiting for authorisation"})
    before = snapshot(episode, CLOSURE_FIELDS)
    # Anything that happened since the closure was recorded counts too.
    episode.closure_warnings = closure_warnings(episode, episode.proposed_close_date)
    if episode.closure_warnings and not reason.strip():
        raise ValidationError({"override_reason": _OVERRIDE_MESSAGE})
    episode.closure_override_reason = reason.strip() if episode.closure_warnings else ""
    episode.close_date = episode.proposed_close_date
    episode.closure_authorised_by = actor
    episode.closure_authorised_at = at or timezone.now()
    episode.save()
    record_event(
        actor,
        Action.UPDATE,
        episode,
        child_id=episode.person_id,
        detail=change_detail(before, snapshot(episode, CLOSURE_FIELDS), closure="authorised"),
    )
    add_entry(
        episode.person,
        TimelineKind.EPISODE_CLOSED,
        f"Hub episode closed, authorised by {actor}"
        + (
            f" despite warnings ({'; '.join(episode.closure_warnings)}). Reason: {episode.closure_override_reason}"
            if episode.closure_warnings
            else ""
        ),
        actor=actor,
        occurred_at=episode.close_date,
        source=episode,
        link=_link(episode),
    )
    signals.episode_changed.send(Episode, episode=episode, actor=actor)
    return episode


@transaction.atomic
def return_closure(episode: Episode, reason: str, *, actor: User) -> Episode:
    """A manager sends a recorded closure back to the worker instead of authorising it."""
    require(actor, Perm.AUTHORISE_CLOSURE)
    locks.claim(episode)
    if not episode.is_open or episode.closure_requested_at is None:
        raise ValidationError({"reason": "There is no closure waiting for authorisation"})
    if not reason.strip():
        raise ValidationError({"reason": "Enter what needs to change before the closure can be authorised"})
    before = snapshot(episode, CLOSURE_FIELDS)
    episode.closure_requested_at = None
    episode.proposed_close_date = None
    episode.closure_warnings = []
    episode.save()
    record_event(
        actor,
        Action.UPDATE,
        episode,
        child_id=episode.person_id,
        reason=reason,
        detail=change_detail(before, snapshot(episode, CLOSURE_FIELDS), closure="returned"),
    )
    add_entry(
        episode.person,
        TimelineKind.CLOSURE_REQUESTED,
        f"Closure not authorised: {reason.strip()}",
        actor=actor,
        source=episode,
        link=_link(episode),
    )
    signals.closure_returned.send(Episode, episode=episode, reason=reason.strip(), actor=actor)
    return episode


@dataclass(frozen=True)
class AssessmentRecord:
    completed_date: dt.date
    risk_level: str
    assessor: User | None = None
    reviewer: User | None = None
    reviewer_risk_level: str = ""
    cin_factors: tuple[str, ...] = ()


@transaction.atomic
def record_assessment(
    episode: Episode, record: AssessmentRecord, *, actor: User, source_id: str | None = None
) -> Assessment:
    """Record a completed exploitation risk assessment (and a manager's review level, if any)."""
    require(actor, Perm.WRITE_CASE_SUMMARY)
    errors: dict[str, str] = {}
    if record.risk_level not in RiskLevel.values:
        errors["risk_level"] = "Select the risk level"
    if record.reviewer_risk_level and record.reviewer_risk_level not in RiskLevel.values:
        errors["reviewer_risk_level"] = "Select the reviewer's risk level"
    if record.completed_date < episode.open_date:
        errors["completed_date"] = "The assessment cannot be completed before the episode opened"
    check_dates(errors, {"completed_date": plausible_event(record.completed_date, "completion date")})
    if errors:
        raise ValidationError(errors)
    fields = {**record.__dict__, "cin_factors": list(record.cin_factors)}
    assessment = Assessment.objects.create(episode=episode, source_id=source_id, **fields)
    record_event(actor, Action.CREATE, assessment, child_id=episode.person_id)
    review = (
        f"; reviewed: {assessment.get_reviewer_risk_level_display().lower()}"
        if assessment.reviewer_risk_level
        else ""
    )
    add_entry(
        episode.person,
        TimelineKind.ASSESSMENT,
        f"Exploitation risk assessment: {assessment.get_risk_level_display().lower()} risk{review}",
        actor=actor,
        occurred_at=record.completed_date,
        source=assessment,
        link=_link(episode),
    )
    return assessment
