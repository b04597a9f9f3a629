"""The profile's photograph: on the page, the documents room's view of it (audited there); in
the PDF its bytes as a data: URI, read from documents.storage (the PDF renderer fetches
nothing but static files)."""

import base64
import logging

from django.urls import reverse

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
    """The documents room's page for the file (it checks access and audits the view)."""
    return reverse("documents:view", args=[document.pk])


def upload_url(person_pk: int) -> str:
    """Where to upload a document (a photograph) about the child."""
    return reverse("documents:upload_child", kwargs={"pk": person_pk})
