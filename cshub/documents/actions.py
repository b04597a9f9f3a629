"""The one write path for documents: attach (check, store, scan), scan again, remove.

A document is stored and recorded first (PENDING, nobody can open it), then streamed to
ClamAV; the verdict is written in its own transaction with its audit event. A file with a
virus is refused: its bytes are deleted, the row stays as INFECTED with the signature, the
event says so, and attach_document raises ValidationError. When the scanner cannot be
reached the document stays FAILED (nobody can open it) until `cshub documents rescan`."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.core import locks
from cshub.documents import clamav, sniff, storage
from cshub.documents.models import Document, DocumentKind, ScanStatus
from cshub.meetings.models import AgendaItem, sees_police_only
from cshub.notes.models import CaseNote
from cshub.people.models import Person
from cshub.referrals.models import Referral

# Who may attach a document to a child, a referral or a case note: whoever records work
# about children (a meeting item: whoever runs meetings).
UPLOAD_PERMS = (Perm.RECORD_CASEWORK, Perm.RECORD_MISSING, Perm.RECORD_REFERRAL)
TITLE_MAX = 200
REASON_MAX = 300

VIRUS_MESSAGE = "The selected file contains a virus ({signature}). It has been deleted and was not attached"
SCANNER_DOWN_MESSAGE = (
    "The document is saved, but the virus scanner could not be reached, so nobody can open it yet. "
    "It will be scanned again when the scanner is back"
)


def max_bytes() -> int:
    return int(settings.CSHUB_DOCUMENT_MAX_MB) * 2**20


def too_large_message() -> str:
    return f"The selected file must be smaller than {settings.CSHUB_DOCUMENT_MAX_MB} MB"


def may_upload(user: User, *, agenda_item: AgendaItem | None = None) -> bool:
    if agenda_item is not None:
        return user.has(Perm.RUN_MEETINGS)
    return any(user.has(p) for p in UPLOAD_PERMS)


def may_mark_police_only(user: User) -> bool:
    return sees_police_only(user)


def may_remove(user: User, document: Document) -> bool:
    """The person who uploaded it, or a manager (who reviews casework)."""
    return document.uploaded_by_id == user.pk or user.has(Perm.REVIEW_CASEWORK)


def _person_for(
    person: Person | None,
    referral: Referral | None,
    agenda_item: AgendaItem | None,
    case_note: CaseNote | None,
) -> Person | None:
    """The child the document is about: given, or the referral's or case note's child, or a
    meeting item's only child (an item about several children: none, the item says who)."""
    if sum(x is not None for x in (referral, agenda_item, case_note)) > 1:
        raise ValueError("a document is attached to one referral, meeting item or case note")
    found: Person | None = None
    if referral is not None:
        found = referral.person
    elif case_note is not None:
        found = case_note.person
    elif agenda_item is not None:
        children = list(agenda_item.children.all()[:2])
        found = children[0] if len(children) == 1 else None
    if person is not None and found is not None and person.pk != found.pk:
        raise ValueError("the document's child is not the child of what it is attached to")
    if person is None and found is None and agenda_item is None:
        raise ValueError("a document is attached to a child, a referral, a meeting item or a case note")
    return person or found


def attach_document(
    *,
    content: bytes,
    original_name: str,
    title: str,
    kind: str,
    person: Person | None = None,
    referral: Referral | None = None,
    agenda_item: AgendaItem | None = None,
    case_note: CaseNote | None = None,
    police_only: bool = False,
    actor: User,
) -> Document:
    """Check the file (type by content, size), store it, record it and scan it. Returns the
    document, CLEAN or (scanner unreachable) FAILED; raises ValidationError keyed "file",
    "title", "kind" or "police_only" when it is refused, including for a virus."""
    if not may_upload(actor, agenda_item=agenda_item):
        raise PermissionDenied("may not attach documents here")
    about = _person_for(person, referral, agenda_item, case_note)
    errors: dict[str, str] = {}
    title = title.strip()
    if not title:
        errors["title"] = "Enter a title for the document"
    elif len(title) > TITLE_MAX:
        errors["title"] = f"The title must be {TITLE_MAX} characters or fewer"
    if kind not in DocumentKind.values:
        errors["kind"] = "Select what kind of document it is"
    if police_only and not may_mark_police_only(actor):
        errors["police_only"] = (
            "Only those who may see police-only information can mark a document police only"
        )
    if not content:
        errors["file"] = "The selected file is empty"
    elif len(content) > max_bytes():
        errors["file"] = too_large_message()
    else:
        try:
            found = sniff.check(content, original_name)
        except sniff.RefusedError as exc:
            errors["file"] = str(exc)
    if errors:
        raise ValidationError(errors)
    name = sniff.base_name(original_name)[:255] or "document"
    stored = storage.store(content)
    try:
        with transaction.atomic():
            document = Document.objects.create(
                person=about,
                referral=referral,
                agenda_item=agenda_item,
                case_note=case_note,
                kind=kind,
                title=title,
                original_name=name,
                stored_name=stored,
                content_type=found.content_type,
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                police_only=police_only,
                uploaded_by=actor,
            )
            record_event(
                actor,
                Action.CREATE,
                document,
                child_id=about.pk if about else None,
                detail={"kind": kind, "police_only": police_only, "size": len(content)},
            )
    except BaseException:
        storage.remove(stored)
        raise
    verdict = _scan(content)
    status = record_scan(document, verdict, actor=actor)
    if status == ScanStatus.INFECTED:
        raise ValidationError({"file": VIRUS_MESSAGE.format(signature=document.scan_result)})
    return document


def _scan(content: bytes) -> clamav.Verdict | None:
    try:
        return clamav.scan(content)
    except clamav.ScannerUnavailableError:
        return None


@transaction.atomic
def record_scan(document: Document, verdict: clamav.Verdict | None, *, actor: User | None) -> str:
    """Write the scanner's verdict (None: it could not be reached) on a document waiting for
    one; a virus deletes the bytes. The document's status after."""
    locks.claim(document)
    if document.removed_at is not None or document.scan_status not in (ScanStatus.PENDING, ScanStatus.FAILED):
        return document.scan_status
    now = timezone.now()
    if verdict is None:
        document.scan_status = ScanStatus.FAILED
        document.scan_result = ""
        detail: dict[str, object] = {"scan": ScanStatus.FAILED.value}
    elif verdict.clean:
        document.scan_status, document.scan_result, document.scanned_at = ScanStatus.CLEAN, "", now
        detail = {"scan": ScanStatus.CLEAN.value}
    else:
        document.scan_status, document.scan_result, document.scanned_at = (
            ScanStatus.INFECTED,
            verdict.signature,
            now,
        )
        detail = {"scan": ScanStatus.INFECTED.value, "signature": verdict.signature, "bytes_deleted": True}
        stored = document.stored_name
        transaction.on_commit(lambda: storage.remove(stored))
    document.save(update_fields=["scan_status", "scan_result", "scanned_at"])
    record_event(actor, Action.UPDATE, document, child_id=document.person_id, detail=detail)
    return document.scan_status


@dataclass
class RescanResult:
    clean: int = 0
    infected: int = 0
    failed: int = 0
    missing: int = 0  # waiting, but its bytes are gone (nothing can be scanned)


def rescan(documents: Iterable[Document] | None = None, *, actor: User | None = None) -> RescanResult:
    """Scan again every document still waiting (PENDING or FAILED, not removed)."""
    if documents is None:
        documents = Document.objects.filter(
            scan_status__in=[ScanStatus.PENDING, ScanStatus.FAILED], removed_at__isnull=True
        ).order_by("id")
    result = RescanResult()
    for document in documents:
        try:
            content = storage.read(document.stored_name)
        except FileNotFoundError:
            result.missing += 1
            continue
        status = record_scan(document, _scan(content), actor=actor)
        if status == ScanStatus.CLEAN:
            result.clean += 1
        elif status == ScanStatus.INFECTED:
            result.infected += 1
        else:
            result.failed += 1
    return result


@transaction.atomic
def remove_document(document: Document, *, reason: str, actor: User) -> Document:
    """Remove a document: the bytes are deleted, the row stays (a tombstone) with who removed
    it, when and why."""
    locks.claim(document)
    if not may_remove(actor, document):
        raise PermissionDenied("only the person who uploaded a document, or a manager, may remove it")
    reason = reason.strip()
    if document.removed_at is not None:
        raise ValidationError({"reason": "This document has already been removed"})
    if not reason:
        raise ValidationError({"reason": "Say why the document is being removed"})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"The reason must be {REASON_MAX} characters or fewer"})
    document.removed_at, document.removed_by, document.removed_reason = timezone.now(), actor, reason
    document.save(update_fields=["removed_at", "removed_by", "removed_reason"])
    record_event(
        actor,
        Action.UPDATE,
        document,
        child_id=document.person_id,
        reason=reason,
        detail={"removed": True, "bytes_deleted": True},
    )
    stored = document.stored_name
    transaction.on_commit(lambda: storage.remove(stored))
    return document
