"""The one write path for the missing-from-care profile: each save is a new version, in
one transaction with its audit event (docs/philomena.md)."""

import datetime as dt
from dataclasses import asdict, dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.core import locks
from cshub.documents.models import Document
from cshub.people.actions import require
from cshub.people.models import Person
from cshub.philomena.models import TEXT_FIELDS, Change, Profile


@dataclass(frozen=True)
class ProfileText:
    who_to_call: str
    height: str = ""
    build: str = ""
    hair: str = ""
    eyes: str = ""
    marks: str = ""
    clothing: str = ""
    phones: str = ""
    social_media: str = ""
    places: str = ""
    people: str = ""
    health_needs: str = ""
    medication: str = ""
    exploitation_concerns: str = ""
    responds_to: str = ""
    carer_name: str = ""
    carer_phone: str = ""
    carer_address: str = ""


def photo_choices(person: Person) -> list[Document]:
    """The documents that may be the profile's photograph: images of this child, scanned
    clean, not police-only (the profile is printed for carers), newest first."""
    return list(
        Document.objects.filter(
            person=person,
            scan_status="CLEAN",
            content_type__in=["image/jpeg", "image/png"],
            police_only=False,
        ).order_by("-uploaded_at", "-pk")
    )


def _check_photo(person: Person, photo: Document | None) -> None:
    if photo is not None and photo.pk not in {d.pk for d in photo_choices(person)}:
        raise ValidationError(
            {"photo": "Choose a photograph of this child that has been scanned and is not police-only"}
        )


def _save(person: Person, values: dict[str, object], *, actor: User, at: dt.datetime | None) -> Profile:
    last = Profile.objects.filter(person=person).aggregate(n=Max("version"))["n"] or 0
    return Profile.objects.create(
        person=person, version=last + 1, written_by=actor, written_at=at or timezone.now(), **values
    )


@transaction.atomic
def write_profile(
    person: Person,
    text: ProfileText,
    *,
    actor: User,
    photo: Document | None = None,
    in_care: bool = True,
    at: dt.datetime | None = None,
) -> Profile:
    """Save the profile as its next version. The same text, photo and care status as the
    last version saves a review (nothing changed); otherwise an update."""
    require(actor, Perm.RECORD_MISSING)
    if not text.who_to_call.strip():
        raise ValidationError({"who_to_call": f"Write who to call when {person.called} goes missing"})
    _check_photo(person, photo)
    locks.hold(locks.child(person.pk))  # one new version at a time
    previous = Profile.objects.filter(person=person).order_by("-version").first()
    values = asdict(text)
    changed = [name for name in TEXT_FIELDS if previous is None or getattr(previous, name) != values[name]]
    if previous is not None and previous.photo_id != (photo.pk if photo else None):
        changed.append("photo")
    if previous is not None and previous.in_care != in_care:
        changed.append("in_care")
    change = Change.WRITTEN if previous is None else Change.UPDATED if changed else Change.REVIEWED
    profile = _save(
        person, {**values, "photo": photo, "in_care": in_care, "change": change}, actor=actor, at=at
    )
    record_event(
        actor,
        Action.CREATE if previous is None else Action.UPDATE,
        profile,
        child_id=person.pk,
        # field names only: the values are in the versions, which are kept
        detail={"version": profile.version, "change": change, "fields": changed if previous else []},
    )
    return profile


@transaction.atomic
def confirm_profile(person: Person, *, actor: User, at: dt.datetime | None = None) -> Profile:
    """The profile reviewed and still right: a new version with the same content, so the
    review date moves on and who reviewed it is kept."""
    require(actor, Perm.RECORD_MISSING)
    locks.hold(locks.child(person.pk))
    previous = Profile.objects.filter(person=person).order_by("-version").first()
    if previous is None:
        raise ValidationError(f"There is no profile to review: write {person.called}'s profile first")
    _check_photo(person, previous.photo)
    values: dict[str, object] = {
        **previous.text(),
        "photo": previous.photo,
        "in_care": previous.in_care,
        "change": Change.REVIEWED,
    }
    profile = _save(person, values, actor=actor, at=at)
    record_event(
        actor,
        Action.UPDATE,
        profile,
        child_id=person.pk,
        detail={"version": profile.version, "change": Change.REVIEWED, "fields": []},
    )
    return profile
