"""The one write path for missing episodes and return interviews."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.changes import change_detail, snapshot
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.core import locks
from cshub.core.dates import check_dates, format_datetime, plausible_event, within_hours
from cshub.core.limits import field_limit, too_long
from cshub.missing import signals, triggers
from cshub.missing.models import (
    EntryKind,
    HeldReport,
    InterviewEntry,
    InterviewOutcome,
    MissingEpisode,
    MissingFlag,
    PanelDecision,
    PoliceRisk,
    ReturnInterview,
    ReviewDecision,
    TriggerRule,
    normalise,
)
from cshub.people import identify
from cshub.people.actions import require
from cshub.people.identify import clean_child, create_from_held, identify_child
from cshub.people.models import Person, TimelineKind
from cshub.people.timeline import add_entry
from cshub.referrals.actions import ReferralDetails, record_referral

# Who a police report is about (the API and the tests name it here): people.identify's.
ReportedChild = identify.ReportedChild

INTERVIEW_HOURS = 72  # statutory guidance: a return interview within 72 hours of the return


@dataclass(frozen=True)
class MissingReport:
    reported_at: dt.datetime
    returned_at: dt.datetime | None = None
    missing_type: str = ""
    police_risk: str = ""
    from_care: bool | None = None
    police_reference: str | None = None
    rhi_offered: str = ""
    rhi_accepted: str = ""
    placement: str = ""
    found_location: str = ""
    found_with: str = ""
    circumstances: str = ""
    found_with_adult_of_concern: bool = False


def _validate_report(report: MissingReport, *, new: bool = False) -> None:
    errors: dict[str, str] = {}
    if (
        new
        and report.police_reference
        and MissingEpisode.objects.filter(police_reference=report.police_reference).exists()
    ):
        errors["police_reference"] = "This police reference is already recorded: check it, or leave it empty"
    if timezone.is_naive(report.reported_at):
        errors["reported_at"] = "The time reported missing needs a time zone"
    elif report.reported_at > timezone.now():
        errors["reported_at"] = "The time reported missing must be in the past"
    check_dates(
        errors,
        {
            "reported_at": plausible_event(report.reported_at, "time reported missing"),
            "returned_at": plausible_event(report.returned_at, "time of return"),
        },
    )
    if (
        "reported_at" not in errors
        and report.returned_at is not None
        and report.returned_at < report.reported_at
    ):
        errors["returned_at"] = "The return must be after the child was reported missing"
    if report.police_risk and report.police_risk not in PoliceRisk.values:
        errors["police_risk"] = "Select the police risk grading"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_missing_episode(
    person: Person, report: MissingReport, *, actor: User, source_id: str | None = None
) -> MissingEpisode:
    require(actor, Perm.RECORD_MISSING)
    keys = [locks.police_reference(report.police_reference)] if report.police_reference else []
    locks.hold(*keys, locks.child(person.pk))  # the reference's check, and the child's flags
    _validate_report(report, new=True)
    episode = MissingEpisode.objects.create(
        person=person, recorded_by=actor, source_id=source_id, **report.__dict__
    )
    record_event(actor, Action.CREATE, episode, child_id=person.pk)
    risk = f", police risk {episode.get_police_risk_display().lower()}" if episode.police_risk else ""
    returned = f"; returned {format_datetime(episode.returned_at)}" if episode.returned_at else ""
    add_entry(
        person,
        TimelineKind.MISSING_REPORTED,
        f"Reported {episode.get_missing_type_display().lower() or 'missing'}{risk}{returned}",
        actor=actor,
        occurred_at=episode.reported_at,
        source=episode,
        link=reverse("casework:child", args=[person.pk]),
    )
    triggers.evaluate(episode, actor=actor)
    if episode.found_location or episode.found_with:
        signals.episode_found.send(MissingEpisode, episode=episode, actor=actor)
    signals.episode_reported.send(MissingEpisode, episode=episode, actor=actor)
    return episode


@dataclass(frozen=True)
class InterviewRecord:
    outcome: str
    offered_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None
    interviewer: User | None = None
    delay_reason: str = ""
    exploitation_concern: bool | None = None
    offered_how: str = ""
    child_account: str = ""
    push_factors: str = ""
    pull_factors: str = ""
    where_and_who: str = ""
    # (kind, value, detail): places, people, vehicles and phones the child told of.
    entries: tuple[tuple[str, str, str], ...] = ()


@transaction.atomic
def record_return_interview(
    episode: MissingEpisode, record: InterviewRecord, *, actor: User, source_id: str | None = None
) -> ReturnInterview:
    require(actor, Perm.RECORD_MISSING)
    errors: dict[str, str] = {}
    if record.outcome not in InterviewOutcome.values:
        errors["outcome"] = "Select the outcome of the interview"
    if record.outcome == InterviewOutcome.COMPLETED and record.completed_at is None:
        errors["completed_at"] = "Enter when the interview was completed"
    if record.completed_at and episode.returned_at and record.completed_at < episode.returned_at:
        errors["completed_at"] = "The interview cannot be completed before the child returned"
    elif (
        record.completed_at
        and episode.returned_at
        and not within_hours(episode.returned_at, record.completed_at, INTERVIEW_HOURS)
        and not record.delay_reason.strip()
    ):
        errors["delay_reason"] = "Say why the interview was more than 72 hours after the child returned"
    if record.completed_at and record.completed_at > timezone.now():
        errors["completed_at"] = "The interview must have taken place: the time cannot be in the future"
    check_dates(
        errors,
        {
            "offered_at": plausible_event(record.offered_at, "time the interview was offered"),
            "completed_at": plausible_event(record.completed_at, "time the interview was completed"),
        },
    )
    for n, (kind, value, detail) in enumerate(record.entries, start=1):
        if kind not in EntryKind.values:
            errors[f"entry_{n}_kind"] = f"Select what entry {n} is (place, person, vehicle or phone)"
        if not value.strip():
            errors[f"entry_{n}_value"] = f"Enter entry {n}"
        for part, text in (("value", value), ("detail", detail)):
            limit = field_limit(InterviewEntry, part)
            if len(text.strip()) > limit:
                errors[f"entry_{n}_{part}"] = too_long(
                    f"Entry {n}{' detail' if part == 'detail' else ''}", limit
                )
    if errors:
        raise ValidationError(errors)
    fields = {k: v for k, v in record.__dict__.items() if k != "entries"}
    interview = ReturnInterview.objects.create(
        missing_episode=episode, recorded_by=actor, source_id=source_id, **fields
    )
    InterviewEntry.objects.bulk_create(
        InterviewEntry(
            interview=interview,
            person_id=episode.person_id,
            kind=kind,
            value=value.strip(),
            key=normalise(value, kind),
            detail=detail.strip(),
        )
        for kind, value, detail in record.entries
    )
    record_event(
        actor, Action.CREATE, interview, child_id=episode.person_id, detail={"entries": len(record.entries)}
    )
    add_entry(
        episode.person,
        TimelineKind.RETURN_INTERVIEW,
        f"Return interview: {interview.get_outcome_display().lower()}",
        actor=actor,
        occurred_at=record.completed_at or record.offered_at or timezone.now(),
        source=interview,
        link=reverse("casework:child", args=[episode.person_id]),
    )
    signals.interview_recorded.send(ReturnInterview, interview=interview, actor=actor)
    return interview


@transaction.atomic
def receive_police_report(
    person: Person, report: MissingReport, *, actor: User, sent: Iterable[str] | None = None
) -> tuple[MissingEpisode, bool]:
    """A report sent by a police system: the same police reference is one episode. Sent
    again, it changes only the fields it sends (`sent`; default all) that differ, never
    clears a recorded return, and says what changed. Returns the episode and whether it
    was new."""
    require(actor, Perm.RECORD_MISSING)
    if not report.police_reference:
        raise ValidationError({"police_reference": "A police report needs its police reference"})
    # The same report sent twice at once is still one episode: the second waits here.
    locks.hold(locks.police_reference(report.police_reference), locks.child(person.pk))
    existing = MissingEpisode.objects.filter(police_reference=report.police_reference).first()
    if existing is None:
        return record_missing_episode(person, report, actor=actor), True

    if existing.person_id != person.pk:
        raise ValidationError(
            {"police_reference": "This police reference belongs to a report about another child"}
        )
    _validate_report(report)
    fields = set(sent) if sent is not None else set(report.__dict__)
    changed = [
        name
        for name, value in report.__dict__.items()
        if name in fields
        and getattr(existing, name) != value
        and not (name == "returned_at" and value is None)
    ]
    if changed:
        before = snapshot(existing, changed)
        for name in changed:
            setattr(existing, name, getattr(report, name))
        existing.save()
        record_event(
            actor,
            Action.UPDATE,
            existing,
            child_id=person.pk,
            detail=change_detail(before, snapshot(existing, changed)),
        )
        if "returned_at" in changed and existing.returned_at:
            add_entry(
                person,
                TimelineKind.MISSING_REPORTED,
                f"Returned {format_datetime(existing.returned_at)}",
                actor=actor,
                occurred_at=existing.returned_at,
                source=existing,
                link=reverse("casework:child", args=[person.pk]),
            )
        triggers.evaluate(existing, actor=actor)
        if {"found_location", "found_with"} & set(changed):
            signals.episode_found.send(MissingEpisode, episode=existing, actor=actor)
    return existing, False


@transaction.atomic
def record_panel_decision(
    person: Person, decision: str, actions_text: str, *, actor: User, at: dt.datetime | None = None
) -> PanelDecision:
    """The missing panel's decision for a child: clears the flags raised up to the panel
    (`at`: the panel's date and time, for back-filled history; default now)."""
    require(actor, Perm.RECORD_MISSING)
    if not decision.strip():
        raise ValidationError({"decision": "Enter the panel's decision"})
    at = at or timezone.now()
    entry = PanelDecision.objects.create(
        person=person,
        decision=decision.strip(),
        actions=actions_text.strip(),
        decided_by=actor,
        decided_at=at,
    )
    flags = list(MissingFlag.objects.open().filter(person=person, raised_at__lte=at))
    MissingFlag.objects.filter(pk__in=[f.pk for f in flags]).update(resolved_at=at, decision=entry)
    record_event(actor, Action.CREATE, entry, child_id=person.pk, detail={"flags": [f.pk for f in flags]})
    summary = f"Missing panel decision: {entry.decision}" + (
        f" Actions: {entry.actions}" if entry.actions else ""
    )
    add_entry(
        person,
        TimelineKind.PANEL_DECISION,
        summary,
        actor=actor,
        occurred_at=at,
        source=entry,
        link=reverse("casework:child", args=[person.pk]),
    )
    return entry


@transaction.atomic
def update_trigger(
    rule: TriggerRule, *, threshold: int | None, days: int | None, active: bool, actor: User
) -> TriggerRule:
    require(actor, Perm.VIEW_TEAM_CASELOAD)
    needs = {"REPEAT": ("threshold", "days"), "LONG": ("threshold",), "YOUNG": ("threshold",)}.get(
        rule.kind, ()
    )
    limits = {"threshold": 1000, "days": 3650}
    values = {"threshold": threshold, "days": days}
    errors = {name: "Enter a whole number above 0" for name in needs if not values[name]}
    errors |= {
        name: f"Enter a number up to {limits[name]}" for name in needs if (values[name] or 0) > limits[name]
    }
    if errors:
        raise ValidationError(errors)
    rule.threshold, rule.days, rule.active = threshold, days, active
    rule.save()
    record_event(actor, Action.UPDATE, rule, detail={"threshold": threshold, "days": days, "active": active})
    return rule


@transaction.atomic
def review_interview(
    interview: ReturnInterview, decision: str, reason: str, *, actor: User, exploitation_type: str = "OTHER"
) -> ReturnInterview:
    """A manager's review of a return interview and the follow-up decided. A referral to the
    hub is recorded at once, pre-filled from the interview."""
    require(actor, Perm.VIEW_TEAM_CASELOAD)
    locks.claim(interview)
    errors: dict[str, str] = {}
    if interview.reviewed_at is not None:
        errors["decision"] = "This interview has already been reviewed"
    if decision not in ReviewDecision.values:
        errors["decision"] = "Select the follow-up"
    if not reason.strip():
        errors["reason"] = "Enter the reason for the decision"
    if errors:
        raise ValidationError(errors)
    person = interview.missing_episode.person
    if decision == ReviewDecision.REFER_HUB:
        concerns = "From the return interview"
        if interview.completed_at:
            concerns += f" of {format_datetime(interview.completed_at)}"
        concerns += f". {interview.child_account} {interview.where_and_who}".rstrip()
        interview.follow_up_referral = record_referral(
            person,
            ReferralDetails(
                received_date=timezone.localdate(),
                primary_type=exploitation_type,
                source_code="5A",
                referrer_name=str(actor),
                referrer_agency=actor.agency,
                concerns=concerns.strip(),
            ),
            actor=actor,
        )
    reviewed = ["review_decision", "review_reason", "reviewed_by", "reviewed_at", "follow_up_referral"]
    before = snapshot(interview, reviewed)
    interview.review_decision, interview.review_reason = decision, reason.strip()
    interview.reviewed_by, interview.reviewed_at = actor, timezone.now()
    interview.save()
    record_event(
        actor,
        Action.UPDATE,
        interview,
        child_id=person.pk,
        detail=change_detail(before, snapshot(interview, reviewed), review=decision),
    )
    add_entry(
        person,
        TimelineKind.INTERVIEW_REVIEWED,
        f"Return interview reviewed: {interview.get_review_decision_display()}. {interview.review_reason}",
        actor=actor,
        source=interview,
        link=reverse("casework:child", args=[person.pk]),
    )
    return interview


def _report_json(report: MissingReport) -> dict[str, object]:
    return {k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in report.__dict__.items()}


def _report_from_json(data: dict[str, object]) -> MissingReport:
    values = dict(data)
    for name in ("reported_at", "returned_at"):
        if values.get(name):
            values[name] = dt.datetime.fromisoformat(str(values[name]))
    return MissingReport(**values)  # type: ignore[arg-type]


@transaction.atomic
def receive_report_about(
    child: ReportedChild, report: MissingReport, *, actor: User, sent: Iterable[str] | None = None
) -> tuple[MissingEpisode | None, HeldReport | None, bool]:
    """A police report naming a child rather than giving a CSHub id. The police reference
    already known: that episode. One certain match (same date of birth, near-identical
    name): that child. No likely match: a new record, then the report. Otherwise the
    report is held for a worker to match, and nothing is dropped.
    Returns (episode, held report, whether the episode is new)."""
    from cshub.people.access import may_see

    require(actor, Perm.RECORD_MISSING)
    child = clean_child(child)  # names as stored: held reports too
    if not report.police_reference:
        raise ValidationError({"police_reference": "A police report needs its police reference"})
    _validate_report(report)
    # One report at a time per reference, and one "does this child have a record?" at a
    # time: two reports about a new child sent together must not create two records.
    locks.hold(locks.police_reference(report.police_reference), locks.PERSON_CREATION)
    existing = MissingEpisode.objects.filter(police_reference=report.police_reference).first()
    if existing is not None and may_see(actor, existing.person):
        episode, created = receive_police_report(existing.person, report, actor=actor, sent=sent)
        return episode, None, created
    held = HeldReport.objects.filter(police_reference=report.police_reference).first()
    if held is not None:
        # Waiting: the newer report replaces the older. Matched before, but to a record the
        # sender may not see: held again for a worker named on that record to match.
        held.report = _report_json(report)
        reopened = held.resolved_at is not None
        held.resolved_at, held.resolved_by, held.episode = None, None, None
        held.save(update_fields=["report", "resolved_at", "resolved_by", "episode"])
        record_event(actor, Action.UPDATE, held, detail={"report": True, "held_again": reopened})
        return None, held, False
    # The reference already known on a record the sender may not see: held, whatever the
    # matches say. Restricted records the sender is not named on match on the name alone,
    # so the answer (held or created) never confirms a restricted child's date of birth.
    found = identify_child(child, actor=actor, part="police report", decide=existing is None)
    if found.person is not None:
        episode, created = receive_police_report(found.person, report, actor=actor, sent=sent)
        return episode, None, created
    matches = found.matches
    held = HeldReport.objects.create(
        police_reference=report.police_reference or "",
        forename=child.forename,
        surname=child.surname,
        date_of_birth=child.date_of_birth,
        sex=child.sex,
        report=_report_json(report),
        received_by=actor,
    )
    record_event(
        actor,
        Action.CREATE,
        held,
        detail={"likely_matches": len(matches.visible) + len(matches.restricted)},
    )
    signals.report_held.send(HeldReport, held=held, actor=actor)
    return None, held, False


@transaction.atomic
def resolve_held_report(held: HeldReport, person: Person | None, *, actor: User) -> MissingEpisode:
    """A worker says who the held report is about (`person`), or that it is a child new to
    CSHub (None: a record is created from the report's details)."""
    require(actor, Perm.RECORD_MISSING)
    locks.hold(locks.police_reference(held.police_reference), locks.PERSON_CREATION)
    held.refresh_from_db()  # matched by someone else while this worker was choosing?
    if held.resolved_at is not None:
        raise ValidationError("This report has already been matched")
    if person is None:
        person = create_from_held(
            held.forename, held.surname, held.date_of_birth, held.sex, actor=actor, what="report"
        )
    episode, _ = receive_police_report(person, _report_from_json(held.report), actor=actor)
    held.resolved_at = timezone.now()
    held.resolved_by = actor
    held.episode = episode
    held.save(update_fields=["resolved_at", "resolved_by", "episode"])
    record_event(actor, Action.UPDATE, held, child_id=person.pk, detail={"matched": True})
    return episode
