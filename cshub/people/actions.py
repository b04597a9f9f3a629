"""The one write path for the person index. Each action is atomic and writes its audit
event (and timeline entry) in the same transaction."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.changes import change_detail, snapshot
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.core import locks
from cshub.core.dates import EARLIEST_BIRTH, check_dates, plausible_birth, plausible_event
from cshub.core.text import check_names, nfc
from cshub.people.access import may_change_access
from cshub.people.models import (
    AccessGrant,
    Address,
    BreakGlass,
    NameKind,
    Person,
    PersonName,
    TimelineEntry,
    TimelineKind,
)
from cshub.people.names import add_words, index_words
from cshub.people.timeline import add_entry

PERSON_FIELDS = (
    "person_type",
    "forename",
    "surname",
    "date_of_birth",
    "dob_estimated",
    "sex",
    "gender",
    "ethnicity",
    "upn",
    "nhs_number",
)


def require(user: User, perm: Perm) -> None:
    if not user.has(perm):
        raise PermissionDenied(f"missing permission {perm}")


@dataclass(frozen=True)
class PersonDetails:
    forename: str
    surname: str
    person_type: str = "CHILD"
    date_of_birth: dt.date | None = None
    dob_estimated: bool = False
    sex: str = ""
    gender: str = ""
    ethnicity: str = ""
    upn: str = ""
    nhs_number: str = ""


def _index_name(person: Person, kind: NameKind, forename: str, surname: str) -> PersonName:
    normalised, fore, sur = index_words(forename, surname)
    add_words([(fore, sur)])
    return PersonName.objects.create(
        person=person,
        kind=kind,
        forename=forename,
        surname=surname,
        normalised=normalised,
        fore=fore,
        sur=sur,
    )


def _validate(details: PersonDetails, aliases: Sequence[tuple[str, str]] = ()) -> PersonDetails:
    """The details as stored (names in NFC), or a field-keyed ValidationError."""
    errors: dict[str, str] = {}
    if not details.forename.strip():
        errors["forename"] = "Enter a first name"
    if not details.surname.strip():
        errors["surname"] = "Enter a last name"
    names = check_names(
        errors, {"forename": ("First name", details.forename), "surname": ("Last name", details.surname)}
    )
    for forename, surname in aliases:
        check_names(errors, {"aliases": ("Another name", f"{forename} {surname}")})
    if details.person_type == "CHILD" and details.date_of_birth is None:
        errors["date_of_birth"] = (
            "Enter the child's date of birth (tick 'estimated' if it is not known exactly)"
        )
    check_dates(errors, {"date_of_birth": plausible_birth(details.date_of_birth)})
    if errors:
        raise ValidationError(errors)
    return replace(details, forename=names["forename"], surname=names["surname"])


@transaction.atomic
def create_person(
    details: PersonDetails,
    *,
    actor: User,
    aliases: Sequence[tuple[str, str]] = (),
    source_id: str | None = None,
    at: dt.datetime | None = None,
) -> Person:
    """Add a person to the index (`at`: when, for back-filled history; default now)."""
    require(actor, Perm.EDIT_CHILD)
    details = _validate(details, aliases)
    at = at or timezone.now()
    person = Person.objects.create(source_id=source_id, created_at=at, **details.__dict__)
    _index_name(person, NameKind.PRIMARY, person.forename, person.surname)
    for forename, surname in aliases:
        _index_name(person, NameKind.ALIAS, nfc(forename), nfc(surname))
    record_event(actor, Action.CREATE, person, child_id=person.pk)
    add_entry(
        person,
        TimelineKind.PERSON_CREATED,
        f"Record created by {actor}",
        actor=actor,
        source=person,
        occurred_at=at,
    )
    return person


@transaction.atomic
def update_person(person: Person, details: PersonDetails, *, actor: User) -> Person:
    require(actor, Perm.EDIT_CHILD)
    details = _validate(details)
    changed = [f for f in PERSON_FIELDS if getattr(person, f) != getattr(details, f)]
    if not changed:
        return person
    before = snapshot(person, changed)
    for field in changed:
        setattr(person, field, getattr(details, field))
    person.save()
    if {"forename", "surname"} & set(changed):
        person.names.filter(kind=NameKind.PRIMARY).delete()
        _index_name(person, NameKind.PRIMARY, person.forename, person.surname)
    record_event(
        actor,
        Action.UPDATE,
        person,
        child_id=person.pk,
        detail=change_detail(before, snapshot(person, changed)),
    )
    labels = ", ".join(str(getattr(Person._meta.get_field(f), "verbose_name", f)) for f in changed)
    add_entry(person, TimelineKind.DETAILS_CHANGED, f"Changed: {labels}", actor=actor, source=person)
    return person


@transaction.atomic
def add_alias(person: Person, forename: str, surname: str, *, actor: User) -> PersonName:
    require(actor, Perm.EDIT_CHILD)
    if not (forename.strip() or surname.strip()):
        raise ValidationError({"forename": "Enter the name the person is also known by"})
    errors: dict[str, str] = {}
    names = check_names(errors, {"forename": ("First name", forename), "surname": ("Last name", surname)})
    if errors:
        raise ValidationError(errors)
    name = _index_name(person, NameKind.ALIAS, names["forename"].strip(), names["surname"].strip())
    record_event(
        actor,
        Action.UPDATE,
        person,
        child_id=person.pk,
        detail=change_detail({}, {"alias": f"{name.forename} {name.surname}".strip()}, added="alias"),
    )
    return name


@transaction.atomic
def add_address(person: Person, *, actor: User, **fields: Any) -> Address:
    require(actor, Perm.EDIT_CHILD)
    address = Address(person=person, **fields)
    address.postcode = address.postcode.upper().strip()
    errors: dict[str, str] = {}
    check_dates(
        errors,
        {
            "start_date": plausible_birth(address.start_date, "start date"),
            "end_date": plausible_event(address.end_date, "end date", earliest=EARLIEST_BIRTH, future=True),
        },
    )
    if errors:
        raise ValidationError(errors)
    if address.end_date and address.end_date < address.start_date:
        raise ValidationError({"end_date": "The end date must be on or after the start date"})
    if address.imd_decile is not None and not 1 <= address.imd_decile <= 10:
        raise ValidationError({"imd_decile": "The IMD decile must be a number from 1 to 10"})
    address.save()
    record_event(actor, Action.CREATE, address, child_id=person.pk)
    return address


def _require_named(person: Person, actor: User) -> None:
    """Changing who may see a record: for a restricted one, only people named on it."""
    require(actor, Perm.RESTRICT_RECORD)
    locks.claim(person)
    if not may_change_access(actor, person):
        raise PermissionDenied(
            "Only people named on a restricted record can change who may see it (break glass is for reading)"
        )


@transaction.atomic
def set_restriction(person: Person, restricted: bool, reason: str, *, actor: User) -> Person:
    _require_named(person, actor)
    if restricted and not reason.strip():
        raise ValidationError({"reason": "Enter why the record is restricted"})
    fields = ["restricted", "restricted_reason"]
    before = snapshot(person, fields)
    person.restricted = restricted
    person.restricted_reason = reason.strip() if restricted else ""
    person.save(update_fields=["restricted", "restricted_reason", "updated_at"])
    if restricted:
        # The manager restricting a record keeps sight of it.
        AccessGrant.objects.get_or_create(person=person, user=actor, defaults={"granted_by": actor})
    record_event(
        actor,
        Action.UPDATE,
        person,
        child_id=person.pk,
        reason=reason,
        detail=change_detail(before, snapshot(person, fields), restricted=restricted),
    )
    add_entry(
        person,
        TimelineKind.RESTRICTED,
        "Record restricted to named people" if restricted else "Restriction lifted",
        actor=actor,
        source=person,
    )
    return person


@transaction.atomic
def grant_access(person: Person, user: User, *, actor: User) -> AccessGrant:
    _require_named(person, actor)
    grant, _ = AccessGrant.objects.get_or_create(person=person, user=user, defaults={"granted_by": actor})
    record_event(
        actor,
        Action.UPDATE,
        grant,
        child_id=person.pk,
        detail=change_detail({}, snapshot(grant, ["user"]), granted_to=user.pk),
    )
    return grant


@transaction.atomic
def revoke_access(grant: AccessGrant, *, actor: User) -> None:
    _require_named(grant.person, actor)
    record_event(
        actor,
        Action.UPDATE,
        grant,
        child_id=grant.person_id,
        detail=change_detail(snapshot(grant, ["user"]), {}, revoked_from=grant.user_id),
    )
    grant.delete()


@transaction.atomic
def break_glass(person: Person, reason: str, *, actor: User) -> BreakGlass:
    require(actor, Perm.VIEW_CHILD)
    if len(reason.strip()) < 10:
        raise ValidationError({"reason": "Explain why you need to see this record (at least 10 characters)"})
    now = timezone.now()
    access = BreakGlass.objects.create(
        person=person,
        user=actor,
        reason=reason.strip(),
        at=now,
        expires_at=now + dt.timedelta(minutes=settings.CSHUB_BREAK_GLASS_MINUTES),
    )
    record_event(actor, Action.BREAK_GLASS, person, child_id=person.pk, reason=access.reason)
    return access


@transaction.atomic
def mark_significant(entry: TimelineEntry, significant: bool, *, actor: User) -> TimelineEntry:
    require(actor, Perm.WRITE_CASE_SUMMARY)
    before = snapshot(entry, ["significant"])
    entry.significant = significant
    entry.significant_marked_by = actor if significant else None
    entry.save(update_fields=["significant", "significant_marked_by"])
    record_event(
        actor,
        Action.UPDATE,
        entry,
        child_id=entry.person_id,
        detail=change_detail(before, snapshot(entry, ["significant"]), significant=significant),
    )
    return entry
