"""The profile's photograph: on the page, the documents room's view of it (audited there)
when that room serves files; in the PDF (and on the page until then) its bytes as a data:
URI, read from documents.storage (the PDF renderer fetches nothing but static files)."""

import base64
import logging

from django.urls import NoReverseMatch, reverse

from cshub.documents import storage
from cshub.documents.models import Document

log = logging.getLogger(__name__)


def data_uri(document: Document | None) -> str:
    if document is None or not document.may_open or not document.is_image:
        return ""
    try:
        content = storage.read(document.stored_name)
    except (OSError, ValueError) as exc:
        log.warning("Profile photograph %s could not be read (%s)", document.pk, type(exc).__name__)
        return ""
    return f"data:{document.content_type};base64,{base64.b64encode(content).decode('ascii')}"


def view_url(document: Document) -> str:
    """documents:view (part of the documents room); "" while it has no such page."""
    try:
        return reverse("documents:view", args=[document.pk])
    except NoReverseMatch:
        return ""


def upload_url(person_pk: int) -> str:
    """Where to upload a document about the child; "" while the documents room has no page."""
    try:
        return reverse("documents:upload", kwargs={"pk": person_pk})
    except NoReverseMatch:
        return ""
