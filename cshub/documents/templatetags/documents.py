"""`{% document_list referral=… %}`, `{% document_list note=… %}` and `{% document_list
item=… %}`: the documents of a referral, a case note or a meeting item, for those rooms' pages without their views knowing documents.
The page has already checked the user may see the referral's child or the item; the tag
hides police-only documents from those who may not see them. A meeting's items read their
documents in one query for the whole meeting (kept on the request)."""

from collections import defaultdict
from typing import Any

from django import template
from django.http import HttpRequest
from django.urls import reverse

from cshub.access.models import User
from cshub.documents import access, actions
from cshub.documents.models import Document
from cshub.meetings.models import AgendaItem
from cshub.notes.models import CaseNote
from cshub.referrals.models import Referral

register = template.Library()


def _item_documents(request: HttpRequest, user: User, item: AgendaItem) -> list[Document]:
    cache: dict[int, dict[int, list[Document]]] = getattr(request, "_cshub_item_documents", {})
    if item.meeting_id not in cache:
        by_item: dict[int, list[Document]] = defaultdict(list)
        rows = access.listed(
            user, Document.objects.filter(agenda_item__meeting_id=item.meeting_id, removed_at__isnull=True)
        )
        for d in rows:
            assert d.agenda_item_id is not None
            by_item[d.agenda_item_id].append(d)
        cache[item.meeting_id] = by_item
        request._cshub_item_documents = cache  # type: ignore[attr-defined]
    return cache[item.meeting_id].get(item.pk, [])


@register.inclusion_tag("documents/_list.html", takes_context=True)
def document_list(
    context: dict[str, Any],
    referral: Referral | None = None,
    item: AgendaItem | None = None,
    note: CaseNote | None = None,
    heading_level: int = 2,
) -> dict[str, Any]:
    request = context["request"]
    user = request.user
    if not isinstance(user, User):
        return {"documents": [], "user": user}
    if referral is not None:
        documents = list(
            access.listed(user, Document.objects.filter(referral=referral, removed_at__isnull=True))
        )
        upload_url = reverse("documents:upload_referral", args=[referral.pk])
        may_upload = actions.may_upload(user)
        heading_id = "documents"
    elif note is not None:
        documents = list(
            access.listed(user, Document.objects.filter(case_note=note, removed_at__isnull=True))
        )
        upload_url = reverse("documents:upload_note", args=[note.pk])
        may_upload = actions.may_upload(user)
        heading_id = "documents"
    elif item is not None:
        documents = _item_documents(request, user, item)
        upload_url = reverse("documents:upload_item", args=[item.pk])
        may_upload = actions.may_upload(user, agenda_item=item)
        heading_id = f"documents-{item.pk}"
    else:
        return {"documents": [], "user": user}
    return {
        "documents": documents,
        "may_upload": may_upload,
        "upload_url": upload_url,
        "heading_level": heading_level,
        "heading_id": heading_id,
        "user": user,
    }
