"""The one write path for case notes: record one, edit it (its author, within
CSHUB_NOTE_EDIT_MINUTES of recording it), then amend it (its author, with a reason). Every
version is kept (`CaseNoteVersion`, the first as recorded), audited, and the note's one
timeline entry follows the current version."""

import datetime as dt
from dataclasses import asdict, dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.core import locks
from cshub.core.dates import check_dates, format_date, plausible_event
from cshub.notes.models import CaseNote, CaseNoteVersion, Change, NoteKind
from cshub.people.actions import require
from cshub.people.models import Person, TimelineEntry, TimelineKind
from cshub.people.timeline import add_entry

# How much of a note the timeline shows (the note's page has all of it).
TIMELINE_CHARS = 300


@dataclass(frozen=True)
class NoteText:
    kind: str
    occurred_at: dt.datetime
    body: str
    present: str = ""


def may_edit(note: CaseNote, user: User, now: dt.datetime | None = None) -> bool:
    """Its author, within the edit window."""
    return note.author_id == user.pk and (now or timezone.now()) <= note.edit_until


def may_amend(note: CaseNote, user: User, now: dt.datetime | None = None) -> bool:
    """Its author, once the edit window has passed."""
    return note.author_id == user.pk and (now or timezone.now()) > note.edit_until


def _cleaned(text: NoteText) -> NoteText:
    errors: dict[str, str] = {}
    if text.kind not in NoteKind.values:
        errors["kind"] = "Select what kind of note it is"
    if text.occurred_at is None:
        errors["occurred_at"] = "Enter when it happened"
    else:
        check_dates(errors, {"occurred_at": plausible_event(text.occurred_at, "date and time")})
    if not text.body.strip():
        errors["body"] = "Write the note"
    if errors:
        raise ValidationError(errors)
    return NoteText(text.kind, text.occurred_at, text.body.strip(), " ".join(text.present.split()))


def _summary(note: CaseNote, amended: CaseNoteVersion | None = None) -> str:
    present = f" (present: {note.present})" if note.present else ""
    summary = f"{note.get_kind_display()}{present}: {Truncator(note.body).chars(TIMELINE_CHARS)}"
    if amended is not None:
        summary += f" [Amended {format_date(amended.written_at)}: {amended.reason}]"
    return summary


def _link(note: CaseNote) -> str:
    return reverse("notes:detail", args=[note.person_id, note.pk])


def _version(note: CaseNote, change: Change, actor: User, reason: str = "") -> CaseNoteVersion:
    number = note.versions.count() + 1
    return CaseNoteVersion.objects.create(
        note=note,
        number=number,
        change=change,
        kind=note.kind,
        occurred_at=note.occurred_at,
        present=note.present,
        body=note.body,
        reason=reason,
        written_by=actor,
    )


@transaction.atomic
def record_note(person: Person, text: NoteText, *, actor: User) -> CaseNote:
    require(actor, Perm.RECORD_CASEWORK)
    text = _cleaned(text)
    note = CaseNote.objects.create(person=person, author=actor, **asdict(text))
    version = _version(note, Change.RECORDED, actor)
    record_event(actor, Action.CREATE, note, child_id=person.pk, detail={"version": version.number})
    add_entry(
        person,
        TimelineKind.CASE_NOTE,
        _summary(note),
        actor=actor,
        occurred_at=note.occurred_at,
        source=note,
        link=_link(note),
    )
    return note


def _change(note: CaseNote, text: NoteText) -> list[str]:
    """Sets the new text on the note; the names of the fields that changed."""
    changed = [name for name, value in asdict(text).items() if getattr(note, name) != value]
    if not changed:
        raise ValidationError("Nothing has changed: change the note, or cancel")
    for name in changed:
        setattr(note, name, getattr(text, name))
    return changed


def _follow_on_timeline(note: CaseNote, amended: CaseNoteVersion | None = None) -> None:
    """The note's timeline entry shows its current version, at its (perhaps corrected) time."""
    TimelineEntry.objects.filter(
        kind=TimelineKind.CASE_NOTE, source_type=note._meta.label_lower, source_id=str(note.pk)
    ).update(summary=_summary(note, amended), occurred_at=note.occurred_at, date_only=False)


@transaction.atomic
def edit_note(note: CaseNote, text: NoteText, *, actor: User) -> CaseNote:
    """Its author corrects it within the edit window (no reason asked); the earlier text is
    kept as a version all the same."""
    require(actor, Perm.RECORD_CASEWORK)
    locks.claim(note)
    if note.author_id != actor.pk:
        raise PermissionDenied("only the author edits a case note")
    if timezone.now() > note.edit_until:
        raise ValidationError("The time to edit this note has passed: amend it instead, giving a reason")
    changed = _change(note, _cleaned(text))
    note.save(update_fields=changed)
    version = _version(note, Change.EDITED, actor)
    record_event(
        actor,
        Action.UPDATE,
        note,
        child_id=note.person_id,
        detail={"fields": changed, "version": version.number, "change": str(Change.EDITED)},
    )
    _follow_on_timeline(note)
    return note


@transaction.atomic
def amend_note(note: CaseNote, text: NoteText, reason: str, *, actor: User) -> CaseNote:
    """Its author amends it once the edit window has passed: a new version with a reason;
    every earlier version stays on the note's page."""
    require(actor, Perm.RECORD_CASEWORK)
    locks.claim(note)
    if note.author_id != actor.pk:
        raise PermissionDenied("only the author amends a case note")
    if timezone.now() <= note.edit_until:
        raise ValidationError("This note can still be edited: edit it instead")
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": "Say why you are amending the note"})
    changed = _change(note, _cleaned(text))
    note.save(update_fields=changed)
    version = _version(note, Change.AMENDED, actor, reason)
    record_event(
        actor,
        Action.UPDATE,
        note,
        child_id=note.person_id,
        reason=reason,
        detail={"fields": changed, "version": version.number, "change": str(Change.AMENDED)},
    )
    _follow_on_timeline(note, version)
    return note
