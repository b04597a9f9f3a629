"""The one way to a document: get_document_for_user() 404s unless the user may see every
child the document is about (people.access, which also refuses restricted records), may
see police-only information when it is police-only, and the file was scanned clean and not
removed; it writes a VIEW event with each child's id. Lists use `listed()`, which hides
police-only documents from those who may not see them and never lists a refused file."""

from django.db.models import QuerySet
from django.http import Http404

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.documents.models import Document, ScanStatus
from cshub.meetings.models import sees_police_only
from cshub.people.access import get_child_for_user


def child_ids(document: Document) -> list[int]:
    """Every child the document is about: its own, the referral's, the case note's and the
    meeting item's children."""
    ids: list[int] = []
    if document.person_id is not None:
        ids.append(document.person_id)
    if document.referral is not None:
        ids.append(document.referral.person_id)
    if document.case_note is not None:
        ids.append(document.case_note.person_id)
    if document.agenda_item is not None:
        ids.extend(document.agenda_item.children.values_list("pk", flat=True))
    return list(dict.fromkeys(ids))


def find_document(user: User, pk: int, *, part: str = "document") -> tuple[Document, list[int]]:
    """The document if this user may see what it is about, whatever its scan (the removal
    page needs one waiting for the scanner too), and the children's ids; else Http404. No
    VIEW event: the caller writes it when it shows the file."""
    document = (
        Document.objects.select_related("referral", "case_note", "agenda_item", "uploaded_by")
        .filter(pk=pk, removed_at__isnull=True)
        .exclude(scan_status=ScanStatus.INFECTED)
        .first()
    )
    if document is None or not user.is_authenticated or not user.has(Perm.VIEW_CHILD):
        raise Http404("No such document")
    if document.police_only and not sees_police_only(user):
        raise Http404("No such document")
    if document.agenda_item is not None and not user.has(Perm.VIEW_MINUTES):
        raise Http404("No such document")
    ids = child_ids(document)
    for child_id in ids:
        # 404 (or break glass, for a restricted record) unless the user may see the child;
        # a refusal is on the child's trail as ACCESS_DENIED.
        get_child_for_user(user, child_id, audit=False, part=part)
    return document, ids


def get_document_for_user(user: User, pk: int, *, part: str = "") -> Document:
    """The document, if this user may open it; else Http404. Audited: a VIEW event about
    each child the document is about (one without a child for a meeting item about none)."""
    document, ids = find_document(user, pk, part=part or "document")
    if not document.may_open:
        raise Http404("No such document")
    detail = {"part": part or "document"}
    targets: list[int | None] = [*ids] if ids else [None]
    for child_id in targets:
        record_event(user, Action.VIEW, document, child_id=child_id, detail=detail)
    return document


def listed(user: User, documents: QuerySet[Document]) -> QuerySet[Document]:
    """The documents of a page the user already may see (a child's, a referral's, a meeting
    item's): none refused for a virus, no police-only ones unless the user may see them."""
    documents = documents.exclude(scan_status=ScanStatus.INFECTED).select_related(
        "uploaded_by", "removed_by", "referral", "agenda_item__meeting__meeting_type"
    )
    if not sees_police_only(user):
        documents = documents.filter(police_only=False)
    return documents
