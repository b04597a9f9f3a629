"""The one write path for the whole-area register (docs/register.md).

Flags (this part): `record_flag` (a flag recorded on a child's record), `end_flag`,
`receive_flag_about` (a flag naming a child, from a flag file: matched through the person
index as a police report is) and `resolve_held_flag`; `triage` (a worker's decision about a
child on the triage list). Derived flags (children's social care,
the hub) are never written here: `register.sync` keeps them."""

import datetime as dt
import uuid
from dataclasses import asdict, dataclass, fields, replace
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
from cshub.core import locks
from cshub.core.dates import check_dates, format_date, plausible_event
from cshub.people.access import may_see
from cshub.people.actions import require
from cshub.people.identify import ReportedChild, clean_child, create_from_held, identify_child
from cshub.people.models import Person, PersonType, TimelineKind
from cshub.people.timeline import add_entry
from cshub.register import queries
from cshub.register.models import (
    DERIVED_SOURCES,
    AreaFlag,
    Concern,
    HeldFlag,
    Holder,
    Source,
    Triage,
    TriageDecision,
)

# What recording, changing and ending a flag keep before and after (the audit event).
FLAG_FIELDS = (
    "source",
    "concern",
    "flagged_on",
    "ended_on",
    "holder",
    "holder_team",
    "holder_contact",
    "note",
)


@dataclass(frozen=True)
class FlagDetails:
    """A flag as a worker records it or a flag file gives it (`origin`: the sender's own key,
    `import:<source>:<flag id>`; None for a flag recorded in CSHub)."""

    source: str
    concern: str
    flagged_on: dt.date
    holder: str
    holder_team: str = ""
    holder_contact: str = ""
    note: str = ""
    ended_on: dt.date | None = None
    origin: str | None = None


@dataclass(frozen=True)
class FlaggedChild(ReportedChild):
    """Who a flag is about, when the sender does not give a CSHub or council id."""

    postcode: str = ""


def validate_flag(details: FlagDetails) -> FlagDetails:
    """The rules of every flag, whichever way it came: field-keyed errors."""
    errors: dict[str, str] = {}
    if details.source in DERIVED_SOURCES:
        errors["source"] = (
            "Flags from children's social care and the hub come from their own records: choose another source"
        )
    elif details.source not in Source.values:
        errors["source"] = "Select where the flag comes from"
    if details.concern not in Concern.values:
        errors["concern"] = "Select what the child is at risk of"
    if details.holder not in Holder.values:
        errors["holder"] = "Select who holds the child's case"
    check_dates(errors, {"flagged_on": plausible_event(details.flagged_on, "date of the flag")})
    check_dates(errors, {"ended_on": plausible_event(details.ended_on, "date the flag ended")})
    if (
        details.ended_on
        and details.flagged_on
        and details.ended_on < details.flagged_on
        and "ended_on" not in errors
    ):
        errors["ended_on"] = "The date the flag ended must be on or after the date of the flag"
    if errors:
        raise ValidationError(errors)
    return replace(
        details,
        holder_team=details.holder_team.strip(),
        holder_contact=details.holder_contact.strip(),
        note=details.note.strip(),
    )


def _summary(flag: AreaFlag) -> str:
    who = flag.get_holder_display()
    team = f", {flag.holder_team}" if flag.holder_team else ""
    return (
        f"Flagged at risk of {flag.get_concern_display().lower()} by {flag.get_source_display().lower()} "
        f"(case held by {who.lower()}{team})"
    )


def _create(person: Person, details: FlagDetails, *, actor: User) -> AreaFlag:
    values = {f.name: getattr(details, f.name) for f in fields(details) if f.name != "origin"}
    flag = AreaFlag.objects.create(
        person=person,
        origin=details.origin or f"cshub:{uuid.uuid4()}",
        recorded_by=actor,
        **values,
    )
    record_event(actor, Action.CREATE, flag, child_id=person.pk, detail={"source": flag.source})
    add_entry(
        person, TimelineKind.AREA_FLAG, _summary(flag), actor=actor, occurred_at=flag.flagged_on, source=flag
    )
    return flag


def _update(flag: AreaFlag, details: FlagDetails, *, actor: User) -> bool:
    """A flag sent again (a re-import): its values as sent now. Whether anything changed."""
    before = snapshot(flag, FLAG_FIELDS)
    for name in FLAG_FIELDS:
        setattr(flag, name, getattr(details, name))
    after = snapshot(flag, FLAG_FIELDS)
    if after == before:
        return False
    flag.save(update_fields=list(FLAG_FIELDS))
    record_event(actor, Action.UPDATE, flag, child_id=flag.person_id, detail=change_detail(before, after))
    return True


@transaction.atomic
def record_flag(
    person: Person,
    *,
    source: str,
    concern: str,
    flagged_on: dt.date,
    holder: str,
    holder_team: str = "",
    holder_contact: str = "",
    note: str = "",
    origin: str | None = None,
    actor: User,
) -> AreaFlag:
    """A flag on a child's record: a source outside the hub and social care says the child
    is at risk of exploitation. On the child's timeline and audit trail."""
    require(actor, Perm.MANAGE_REGISTER)
    if person.person_type != PersonType.CHILD:
        raise ValidationError("The whole-area register is of children: this is an adult's record")
    details = validate_flag(
        FlagDetails(source, concern, flagged_on, holder, holder_team, holder_contact, note, origin=origin)
    )
    locks.hold(locks.child(person.pk))
    if origin and AreaFlag.objects.filter(origin=origin).exists():
        raise ValidationError({"origin": "This flag has already been recorded"})
    return _create(person, details, actor=actor)


@transaction.atomic
def end_flag(flag: AreaFlag, *, ended_on: dt.date, reason: str, actor: User) -> AreaFlag:
    """The flag is no longer in force from `ended_on`, for `reason` (on the timeline)."""
    require(actor, Perm.MANAGE_REGISTER)
    locks.claim(flag)
    errors: dict[str, str] = {}
    if flag.source in DERIVED_SOURCES:
        errors["ended_on"] = (
            f"This flag comes from {flag.get_source_display().lower()}'s own records: it ends when they do"
        )
    elif flag.ended_on is not None:
        errors["ended_on"] = f"This flag already ended on {format_date(flag.ended_on)}"
    check_dates(errors, {"ended_on": plausible_event(ended_on, "date the flag ended")})
    if "ended_on" not in errors and ended_on < flag.flagged_on:
        errors["ended_on"] = f"The flag cannot end before it was made ({format_date(flag.flagged_on)})"
    if not reason.strip():
        errors["reason"] = "Give the reason the flag is no longer in force"
    if errors:
        raise ValidationError(errors)
    before = snapshot(flag, FLAG_FIELDS)
    flag.ended_on = ended_on
    flag.save(update_fields=["ended_on"])
    record_event(
        actor,
        Action.UPDATE,
        flag,
        child_id=flag.person_id,
        reason=reason.strip(),
        detail=change_detail(before, snapshot(flag, FLAG_FIELDS), flag="ended"),
    )
    add_entry(
        flag.person,
        TimelineKind.AREA_FLAG,
        f"{flag.get_concern_display()} flag ({flag.get_source_display().lower()}) no longer in force: "
        f"{reason.strip()}",
        actor=actor,
        occurred_at=ended_on,
        source=flag,
    )
    return flag


def _flag_json(details: FlagDetails) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in asdict(details).items()}


def flag_from_json(data: dict[str, Any]) -> FlagDetails:
    values = dict(data)
    for name in ("flagged_on", "ended_on"):
        if values.get(name):
            values[name] = dt.date.fromisoformat(str(values[name]))
    return FlagDetails(**values)


@dataclass(frozen=True)
class Received:
    """What became of a flag naming a child: the flag (on a child's record), or the held
    flag waiting for a worker; `matched` a certain match used, `created` a new record."""

    flag: AreaFlag | None = None
    held: HeldFlag | None = None
    matched: bool = False
    created: bool = False
    new: bool = False  # the flag is new to CSHub
    changed: bool = True  # False: sent before with the same values


@transaction.atomic
def receive_flag(person: Person, details: FlagDetails, *, actor: User) -> Received:
    """A flag file's flag about a child it names by id: recorded, or (sent before under the
    same origin) brought up to date."""
    require(actor, Perm.IMPORT_DATA)
    if not may_see(actor, person):  # the file names records by id: only those the sender may see
        raise ValidationError({"person": "No child in CSHub has this id"})
    details = validate_flag(details)
    if not details.origin:
        raise ValidationError({"origin": "A flag sent by another system needs its own id"})
    locks.hold(_origin_key(details.origin))
    existing = AreaFlag.objects.filter(origin=details.origin).select_related("person").first()
    if existing is not None:
        if existing.person.survivor().pk != person.survivor().pk:
            # Never moved silently: a flag sent before about another child is a mistake in
            # one of the two files, for a worker to sort out.
            raise ValidationError(
                {
                    "person": "This flag (its source and flag_id) was sent before about another child: "
                    "end that flag on the child's page and send this one with a new flag_id"
                }
            )
        return Received(flag=existing, changed=_update(existing, details, actor=actor))
    return Received(flag=_create(person, details, actor=actor), new=True)


def _origin_key(origin: str) -> str:
    return f"register:flag-origin:{origin}"


@transaction.atomic
def receive_flag_about(child: ReportedChild, flag: FlagDetails, *, actor: User) -> Received:
    """A flag naming a child rather than giving an id, identified through the person index
    exactly as a police report is (`people.identify`): one certain match is that child; no
    likely match creates the child's record; anything in between is held for a worker
    (*Flags to match*), and nothing is dropped. Sent again (the same origin): the flag, or
    the held flag, is brought up to date."""
    require(actor, Perm.IMPORT_DATA)
    details = validate_flag(flag)
    if not details.origin:
        raise ValidationError({"origin": "A flag sent by another system needs its own id"})
    child = clean_child(child)
    postcode = child.postcode.strip() if isinstance(child, FlaggedChild) else ""
    # One flag at a time per origin, then one "does this child have a record?" at a time.
    locks.hold(_origin_key(details.origin), locks.PERSON_CREATION)
    existing = AreaFlag.objects.filter(origin=details.origin).select_related("person").first()
    if existing is not None and may_see(actor, existing.person):
        return Received(flag=existing, changed=_update(existing, details, actor=actor))
    held = HeldFlag.objects.filter(origin=details.origin).first()
    if held is not None and held.resolved_at is None:
        if held.flag == _flag_json(details):
            return Received(held=held, changed=False)
        held.flag = _flag_json(details)
        held.save(update_fields=["flag"])
        record_event(actor, Action.UPDATE, held, detail={"flag": True})
        return Received(held=held)
    if existing is not None:  # on a record the sender may not see: nothing is said of it
        return Received(flag=existing, changed=_update(existing, details, actor=actor))
    found = identify_child(child, actor=actor, part="flag")
    if found.person is not None:
        created = _create(found.person, details, actor=actor)
        return Received(flag=created, matched=not found.created, created=found.created, new=True)
    held = HeldFlag.objects.create(
        origin=details.origin,
        forename=child.forename,
        surname=child.surname,
        date_of_birth=child.date_of_birth,
        sex=child.sex,
        postcode=postcode[:10],
        flag=_flag_json(details),
        received_by=actor,
    )
    record_event(
        actor,
        Action.CREATE,
        held,
        detail={"likely_matches": len(found.matches.visible) + len(found.matches.restricted)},
    )
    return Received(held=held)


@transaction.atomic
def resolve_held_flag(held: HeldFlag, person: Person | None, *, actor: User) -> AreaFlag:
    """A worker says who the held flag is about (`person`), or that it is a child new to
    CSHub (None: a record is created from the flag's details). Two workers at once: the
    second is told it has already been matched."""
    require(actor, Perm.MANAGE_REGISTER)
    locks.hold(_origin_key(held.origin), locks.PERSON_CREATION)
    held.refresh_from_db()  # matched by someone else while this worker was choosing?
    if held.resolved_at is not None:
        raise ValidationError("This flag has already been matched")
    if person is None:
        person = create_from_held(
            held.forename, held.surname, held.date_of_birth, held.sex, actor=actor, what="flag"
        )
    flag = _resolve(held, person, actor=actor)
    # The other concerns of the same row of a flag file (`import:<source>:<flag id>:…`)
    # are about the same child: matched with it.
    # Exactly those origins: a flag_id may itself hold ":" ("7" and "7:1" are other rows).
    prefix = held.origin.rsplit(":", 1)[0] + ":" if held.origin.startswith("import:") else None
    if prefix is not None:
        siblings = [prefix + concern for concern in Concern.values]
        for sibling in HeldFlag.objects.waiting().filter(origin__in=siblings).exclude(pk=held.pk):
            _resolve(sibling, person, actor=actor)
    return flag


def _resolve(held: HeldFlag, person: Person, *, actor: User) -> AreaFlag:
    details = flag_from_json(held.flag)
    existing = AreaFlag.objects.filter(origin=details.origin).first()
    if existing is not None:
        _update(existing, details, actor=actor)
        if existing.person_id != person.pk:
            existing.person = person
            existing.save(update_fields=["person"])
        flag = existing
    else:
        flag = _create(person, details, actor=actor)
    held.resolved_at = timezone.now()
    held.resolved_by = actor
    held.area_flag = flag
    held.save(update_fields=["resolved_at", "resolved_by", "area_flag"])
    record_event(actor, Action.UPDATE, held, child_id=person.pk, detail={"matched": True})
    return flag


@transaction.atomic
def triage(person: Person, *, decision: str, reason: str, actor: User) -> Triage:
    """A worker's decision about a child on the triage list ("Not known to the hub"): bring
    them to the next daily meeting (the agenda rule `register.agenda` puts them on its
    agenda) or "considered, not for the hub". The reason is required. The child leaves the
    list until a flag is recorded after this decision. Refused for a child who is not on the
    list: no flag in force, known to the hub, or decided about since their last flag (the
    same decision sent twice)."""
    require(actor, Perm.MANAGE_REGISTER)
    errors: dict[str, str] = {}
    if decision not in TriageDecision.values:
        errors["decision"] = "Select what you decided"
    if not reason.strip():
        errors["reason"] = (
            "Say why the daily meeting should discuss this child"
            if decision == TriageDecision.MEETING
            else "Say why the hub does not need to be involved"
        )
    if errors:
        raise ValidationError(errors)
    locks.hold(locks.child(person.pk))
    now = timezone.now()
    if not queries.triage_rows(timezone.localdate(now), now).filter(pk=person.pk).exists():
        raise ValidationError(
            {
                "decision": "This child is not on the list of children to consider: a decision has been recorded "
                "since their last flag, the hub knows them, or no flag is in force"
            }
        )
    made = Triage.objects.create(
        person=person, decision=decision, reason=reason.strip(), decided_by=actor, decided_at=now
    )
    record_event(actor, Action.CREATE, made, child_id=person.pk, detail={"decision": decision})
    by = f"{actor.get_full_name()} ({actor.get_agency_display()})"
    if decision == TriageDecision.MEETING:
        summary = f"Brought to the daily meeting from the whole-area register by {by}: {made.reason}"
        kind = TimelineKind.FLAGGED_FOR_MEETING
    else:
        summary = f"Considered from the whole-area register by {by}, not for the hub: {made.reason}"
        kind = TimelineKind.AREA_FLAG
    add_entry(
        person,
        kind,
        summary,
        actor=actor,
        occurred_at=now,
        source=made,
        link=reverse("casework:child", args=[person.pk]),
    )
    return made
