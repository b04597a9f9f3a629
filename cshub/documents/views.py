"""Documents: the child's Documents tab, the upload page (for a child, a referral or a
meeting item), the file itself (inline or as a download) and the removal page."""

import re
import unicodedata

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.http import require_http_methods

from cshub.access.decorators import require_perm
from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.core.faults import DISK_FULL, RETRY_AFTER_SECONDS, disk_reason
from cshub.documents import access, actions, storage
from cshub.documents.forms import DocumentForm, RemoveForm
from cshub.documents.models import Document, ScanStatus
from cshub.documents.sniff import BY_CONTENT_TYPE
from cshub.meetings.models import AgendaItem
from cshub.notes.models import CaseNote
from cshub.people.access import get_child_for_user
from cshub.people.models import Person
from cshub.referrals.models import Referral

_UNSAFE = re.compile(r"[^A-Za-z0-9 ._()-]+")


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@require_perm(Perm.VIEW_CHILD)
def child(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    person = get_child_for_user(user, pk, part="documents")
    documents = list(access.listed(user, Document.objects.filter(person=person)))
    return render(
        request,
        "documents/child.html",
        {
            "person": person,
            "tab": "documents",
            "documents": [d for d in documents if d.removed_at is None],
            "removed": [d for d in documents if d.removed_at is not None],
            "may_upload": actions.may_upload(user),
            "upload_url": reverse("documents:upload_child", args=[person.pk]),
        },
    )


def _upload(
    request: HttpRequest,
    *,
    person: Person | None,
    back: str,
    heading: str,
    referral: Referral | None = None,
    agenda_item: AgendaItem | None = None,
    case_note: CaseNote | None = None,
) -> HttpResponse:
    user = _user(request)
    if not actions.may_upload(user, agenda_item=agenda_item):
        raise PermissionDenied
    form = DocumentForm(
        request.POST or None,
        request.FILES or None,
        police_only=actions.may_mark_police_only(user),
        initial={"kind": "LETTER"},
    )
    unavailable = False
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            document = actions.attach_document(
                content=upload.read(),
                original_name=upload.name or "",
                title=form.cleaned_data["title"],
                kind=form.cleaned_data["kind"],
                person=person if referral is None and agenda_item is None and case_note is None else None,
                referral=referral,
                agenda_item=agenda_item,
                case_note=case_note,
                police_only=bool(form.cleaned_data.get("police_only")),
                actor=user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except OSError as exc:
            reason = disk_reason(exc)
            if reason is None:
                raise
            why = "the server has no space left" if reason == DISK_FULL else "the server cannot store files"
            form.add_error("file", f"The file could not be stored: {why}. Try again later")
            unavailable = True
        else:
            if document.scan_status == ScanStatus.CLEAN:
                messages.success(
                    request, f"{document.title} is attached. It was checked and no virus was found."
                )
            else:
                messages.warning(request, f"{document.title}: {actions.SCANNER_DOWN_MESSAGE}.")
            return redirect(back)
    response = render(
        request,
        "documents/upload.html",
        {"form": form, "person": person, "heading": heading, "back": back, "tab": "documents"},
        status=503 if unavailable else 400 if form.errors else 200,
    )
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@require_perm(*actions.UPLOAD_PERMS)
@require_http_methods(["GET", "POST"])
def upload_child(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_child_for_user(_user(request), pk, part="documents")
    return _upload(
        request,
        person=person,
        back=reverse("documents:child", args=[person.pk]),
        heading=f"Add a document to {person.called}'s record",
    )


@require_perm(*actions.UPLOAD_PERMS)
@require_http_methods(["GET", "POST"])
def upload_referral(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_object_or_404(Referral.objects.select_related("person"), pk=pk)
    person = get_child_for_user(_user(request), referral.person_id, part=f"referral {pk}")
    return _upload(
        request,
        person=person,
        referral=referral,
        back=reverse("referrals:detail", args=[referral.pk]),
        heading="Add a document to the referral",
    )


@require_perm(*actions.UPLOAD_PERMS)
@require_http_methods(["GET", "POST"])
def upload_note(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(CaseNote, pk=pk)
    person = get_child_for_user(_user(request), note.person_id, part=f"case note {pk}")
    return _upload(
        request,
        person=person,
        case_note=note,
        back=reverse("notes:detail", args=[person.pk, note.pk]),
        heading="Add a document to the case note",
    )


@require_perm(Perm.RUN_MEETINGS)
@require_http_methods(["GET", "POST"])
def upload_item(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = get_object_or_404(AgendaItem.objects.select_related("meeting"), pk=pk, removed_at__isnull=True)
    children = [get_child_for_user(user, p.pk, part=f"meeting item {pk}") for p in item.children.all()]
    back = reverse("meetings:detail", args=[item.meeting_id])
    return _upload(
        request,
        person=children[0] if len(children) == 1 else None,
        agenda_item=item,
        back=f"{back}?{urlencode({'open': item.pk})}#{item.anchor}",
        heading=f"Add a document to the meeting item: {item.title}",
    )


def safe_filename(document: Document) -> str:
    """The name a file is served under: the uploaded name in plain characters (no path, no
    quotes, no control characters), with the extension of what the file really is."""
    base = unicodedata.normalize("NFKD", document.original_name).encode("ascii", "ignore").decode()
    found = BY_CONTENT_TYPE.get(document.content_type)
    ext = found.extensions[0] if found else ""
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = _UNSAFE.sub("_", stem).strip(" ._")[:100] or "document"
    if found and base.lower().endswith(found.extensions):
        ext = "." + base.rsplit(".", 1)[1].lower()
    return stem + ext


def _serve(request: HttpRequest, pk: int, *, inline: bool) -> HttpResponse:
    user = _user(request)
    document = access.get_document_for_user(user, pk, part="download" if not inline else "opened")
    try:
        content = storage.read(document.stored_name)
    except FileNotFoundError:
        raise Http404("No such document") from None
    inline = inline and (document.is_image or document.is_pdf)
    content_type = document.content_type
    if content_type == "text/plain":
        content_type = "text/plain; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, safe_filename(document)) or ""
    response["X-Content-Type-Options"] = "nosniff"
    # The file is never a page of CSHub: no scripts, no forms, no same-origin rights
    # (django-csp leaves a response that already has the header as it is).
    response["Content-Security-Policy"] = "sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    response["Content-Length"] = str(len(content))
    return response


@require_perm(Perm.VIEW_CHILD)
def view(request: HttpRequest, pk: int) -> HttpResponse:
    return _serve(request, pk, inline=True)


@require_perm(Perm.VIEW_CHILD)
def download(request: HttpRequest, pk: int) -> HttpResponse:
    return _serve(request, pk, inline=False)


def _page_of(document: Document) -> str:
    """Where the document is listed."""
    if document.agenda_item_id is not None and document.agenda_item is not None:
        url = reverse("meetings:detail", args=[document.agenda_item.meeting_id])
        return f"{url}?{urlencode({'open': document.agenda_item_id})}#item-{document.agenda_item_id}"
    if document.referral_id is not None:
        return reverse("referrals:detail", args=[document.referral_id])
    if document.person_id is not None:
        return reverse("documents:child", args=[document.person_id])
    return reverse("home")


@require_perm(Perm.VIEW_CHILD)
@require_http_methods(["GET", "POST"])
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    document, _ = access.find_document(user, pk, part="remove document")
    if not actions.may_remove(user, document):
        raise PermissionDenied
    form = RemoveForm(request.POST or None)
    back = _page_of(document)
    if request.method == "POST" and form.is_valid():
        try:
            actions.remove_document(document, reason=form.cleaned_data["reason"], actor=user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{document.title} has been removed.")
            return redirect(back)
    return render(
        request,
        "documents/remove.html",
        {"form": form, "document": document, "back": back, "person": document.person},
        status=400 if form.errors else 200,
    )
