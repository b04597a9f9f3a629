"""The one write path for work with the child: voice, visits and direct work, the team
around the child, NRM and transition plans. Each lands on the child's timeline."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.changes import change_detail, snapshot
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.casework.models import Episode
from cshub.contact.models import Contact, ContactKind, NrmReferral, TeamMember, TransitionPlan, VoiceEntry
from cshub.core import locks
from cshub.core.dates import check_dates, format_date, plausible_event
from cshub.people.actions import require
from cshub.people.models import Person, TimelineKind
from cshub.people.timeline import add_entry


def _link(person: Person) -> str:
    return reverse("contact:child", args=[person.pk])


def _not_future(errors: dict[str, str], name: str, day: dt.date | None, what: str) -> None:
    check_dates(errors, {name: plausible_event(day, what)})


@transaction.atomic
def record_voice(
    person: Person, *, actor: User, said: str, how_gathered: str, gathered_on: dt.date, shaped: str = ""
) -> VoiceEntry:
    require(actor, Perm.RECORD_CASEWORK)
    errors: dict[str, str] = {}
    if not said.strip():
        errors["said"] = "Write what the child said, in their words"
    _not_future(errors, "gathered_on", gathered_on, "date")
    if errors:
        raise ValidationError(errors)
    entry = VoiceEntry.objects.create(
        person=person,
        said=said.strip(),
        how_gathered=how_gathered,
        gathered_on=gathered_on,
        gathered_by=actor,
        shaped=shaped.strip(),
    )
    record_event(actor, Action.CREATE, entry, child_id=person.pk)
    add_entry(
        person,
        TimelineKind.VOICE,
        f"{person.forename} said: “{entry.said}”",
        actor=actor,
        occurred_at=gathered_on,
        source=entry,
        link=_link(person),
    )
    return entry


@transaction.atomic
def record_contact(episode: Episode, kind: str, *, actor: User, **fields: Any) -> Contact:
    require(actor, Perm.RECORD_CASEWORK)
    errors: dict[str, str] = {}
    if kind not in ContactKind.values:
        errors["kind"] = "Select visit or direct work"
    if not str(fields.get("where", "")).strip():
        errors["where"] = "Say where it took place"
    if fields.get("seen_alone") and not fields.get("seen"):
        errors["seen_alone"] = "A child seen alone was seen: tick both, or neither"
    if kind == ContactKind.DIRECT_WORK and not str(fields.get("purpose", "")).strip():
        errors["purpose"] = "Say what the session was for"
    _not_future(errors, "on", fields.get("on"), "date")
    if errors:
        raise ValidationError(errors)
    contact = Contact.objects.create(episode=episode, kind=kind, recorded_by=actor, **fields)
    record_event(actor, Action.CREATE, contact, child_id=episode.person_id)
    seen = "seen alone" if contact.seen_alone else ("seen" if contact.seen else "not seen")
    add_entry(
        episode.person,
        TimelineKind.VISIT if kind == ContactKind.VISIT else TimelineKind.DIRECT_WORK,
        f"{contact.get_kind_display()} at {contact.where}"
        + (f" (present: {contact.present})" if contact.present else "")
        + f": {seen}"
        + (f". {contact.purpose}" if contact.purpose else ""),
        actor=actor,
        occurred_at=contact.on,
        source=contact,
        link=_link(episode.person),
    )
    return contact


@transaction.atomic
def add_team_member(episode: Episode, *, actor: User, **fields: Any) -> TeamMember:
    require(actor, Perm.RECORD_CASEWORK)
    errors: dict[str, str] = {}
    for name, message in (("name", "Enter the professional's name"), ("role", "Enter their role")):
        if not str(fields.get(name, "")).strip():
            errors[name] = message
    check_dates(
        errors,
        {
            "from_date": plausible_event(fields.get("from_date"), "start date", future=True),
            "to_date": plausible_event(fields.get("to_date"), "end date", future=True),
        },
    )
    if errors:
        raise ValidationError(errors)
    if fields.get("to_date") and fields["to_date"] < fields["from_date"]:
        raise ValidationError({"to_date": "The end date must be on or after the start date"})
    if fields.get("lead"):
        # One lead professional at a time: the previous lead stays involved, not as lead.
        TeamMember.objects.filter(episode=episode, lead=True, to_date__isnull=True).update(lead=False)
    member = TeamMember.objects.create(episode=episode, **fields)
    if member.lead:
        episode.lead_professional = member.name
        episode.lead_professional_agency = member.agency
        episode.save(update_fields=["lead_professional", "lead_professional_agency"])
    record_event(actor, Action.CREATE, member, child_id=episode.person_id)
    add_entry(
        episode.person,
        TimelineKind.TEAM_CHANGED,
        f"{member.name} ({member.get_agency_display()}, {member.role}) joined the team around the child"
        + (" as lead professional" if member.lead else ""),
        actor=actor,
        occurred_at=member.from_date,
        source=member,
        link=_link(episode.person),
    )
    return member


@transaction.atomic
def end_team_member(member: TeamMember, to_date: dt.date, *, actor: User) -> TeamMember:
    require(actor, Perm.RECORD_CASEWORK)
    locks.claim(member)
    if member.to_date is not None:
        raise ValidationError("This professional's involvement has already ended")
    if problem := plausible_event(to_date, "end date", future=True):
        raise ValidationError({"to_date": problem})
    if to_date < member.from_date:
        raise ValidationError({"to_date": "The end date must be on or after the start date"})
    before = snapshot(member, ["to_date"])
    member.to_date = to_date
    member.save(update_fields=["to_date"])
    episode = member.episode
    if member.lead and episode.lead_professional == member.name:
        # The lead left: the episode names no lead until someone else is named.
        episode.lead_professional = episode.lead_professional_agency = ""
        episode.save(update_fields=["lead_professional", "lead_professional_agency"])
    record_event(
        actor,
        Action.UPDATE,
        member,
        child_id=member.episode.person_id,
        detail=change_detail(before, snapshot(member, ["to_date"])),
    )
    add_entry(
        member.episode.person,
        TimelineKind.TEAM_CHANGED,
        f"{member.name} ({member.get_agency_display()}) no longer involved from {format_date(to_date)}",
        actor=actor,
        occurred_at=to_date,
        source=member,
        link=_link(member.episode.person),
    )
    return member


def _validate_nrm(fields: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if not str(fields.get("first_responder", "")).strip():
        errors["first_responder"] = "Enter the first responder organisation"
    for stage in ("reasonable_grounds", "conclusive_grounds"):
        if bool(fields.get(stage)) != bool(fields.get(f"{stage}_on")):
            errors[f"{stage}_on"] = "Enter both the decision and its date, or neither"
    if fields.get("conclusive_grounds") and not fields.get("reasonable_grounds"):
        errors["conclusive_grounds"] = "A conclusive grounds decision follows a reasonable grounds decision"
    referred = fields.get("referred_on")
    for stage in ("reasonable_grounds_on", "conclusive_grounds_on"):
        if referred and fields.get(stage) and fields[stage] < referred:
            errors[stage] = "A decision cannot be before the referral"
    _not_future(errors, "referred_on", referred, "referral date")
    _not_future(errors, "reasonable_grounds_on", fields.get("reasonable_grounds_on"), "decision date")
    _not_future(errors, "conclusive_grounds_on", fields.get("conclusive_grounds_on"), "decision date")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_nrm(person: Person, *, actor: User, nrm: NrmReferral | None = None, **fields: Any) -> NrmReferral:
    """Record an NRM referral, or update it as the decisions arrive."""
    require(actor, Perm.RECORD_CASEWORK)
    _validate_nrm(fields)
    if nrm is None:
        nrm = NrmReferral.objects.create(person=person, recorded_by=actor, **fields)
        record_event(actor, Action.CREATE, nrm, child_id=person.pk)
        what = f"NRM referral made by {nrm.first_responder}"
    else:
        before = snapshot(nrm, fields)
        for name, value in fields.items():
            setattr(nrm, name, value)
        nrm.save()
        record_event(
            actor, Action.UPDATE, nrm, child_id=person.pk, detail=change_detail(before, snapshot(nrm, fields))
        )
        what = f"NRM referral of {format_date(nrm.referred_on)}: {nrm.stage.lower()}"
    add_entry(person, TimelineKind.NRM, what, actor=actor, source=nrm, link=_link(person))
    return nrm


@transaction.atomic
def write_transition_plan(person: Person, *, actor: User, **fields: Any) -> TransitionPlan:
    require(actor, Perm.RECORD_CASEWORK)
    errors = {
        name: f"Write the plan for {label}"
        for name, label in (
            ("adult_social_care", "adult social care"),
            ("housing", "housing"),
            ("health", "health"),
        )
        if not str(fields.get(name, "")).strip()
    }
    if errors:
        raise ValidationError(errors)
    plan = TransitionPlan.objects.create(person=person, written_by=actor, **fields)
    record_event(actor, Action.CREATE, plan, child_id=person.pk)
    add_entry(
        person,
        TimelineKind.TRANSITION,
        "Transition plan written" + (": hub support continues past 18" if plan.support_past_18 else ""),
        actor=actor,
        source=plan,
        link=_link(person),
    )
    return plan
