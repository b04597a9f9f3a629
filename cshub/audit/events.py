"""record_event(): the one way an audit event is written. Call it inside the action's
transaction, so the event and the change commit (or roll back) together. An event that is
not a read (a view, a search, an export, a sign-in) also raises the data version in that
transaction (core.dataversion), so no figure computed before the change is served after it."""

from collections.abc import Iterable
from typing import Any

from django.db import models

from cshub.audit import context
from cshub.audit.models import Action, AuditEvent
from cshub.core import dataversion

# Events that change no record: they leave the data version as it is. Any other event,
# including a kind added later, raises it.
READS = frozenset(
    {
        Action.VIEW,
        Action.SEARCH,
        Action.EXPORT,
        Action.BREAK_GLASS,
        Action.ACCESS_DENIED,
        Action.SIGN_IN,
        Action.SIGN_IN_FAILED,
        Action.SIGN_OUT,
        Action.SIGN_OUT_EVERYWHERE,
    }
)


def _object_ref(obj: models.Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


def record_event(
    actor: Any,
    action: Action | str,
    obj: models.Model | None = None,
    *,
    child_id: int | None = None,
    reason: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    object_type, object_id = _object_ref(obj)
    event = AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_agency=getattr(actor, "agency", "") or "",
        action=str(action),
        object_type=object_type,
        object_id=object_id,
        child_id=child_id,
        request_id=context.request_id.get(),
        via=context.channel.get(),
        reason=reason,
        detail=detail or {},
    )
    if action not in READS:
        dataversion.bump()  # last, so the one row is held for as short a time as can be
    return event


def record_about_children(
    actor: Any, action: Action | str, child_ids: Iterable[int], *, detail: dict[str, Any]
) -> None:
    """The same event about each of these children (no object), written in one statement:
    a page naming many children writes no row at a time."""
    rid, via = context.request_id.get(), context.channel.get()
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor if getattr(actor, "pk", None) else None,
            actor_agency=getattr(actor, "agency", "") or "",
            action=str(action),
            child_id=cid,
            request_id=rid,
            via=via,
            detail=detail,
        )
        for cid in dict.fromkeys(child_ids)
    )


def record_views(
    actor: Any, child_ids: Iterable[int], *, object_type: str = "people.person", part: str = "list"
) -> None:
    """One VIEW event per child shown in a list (a caseload, search results, an API page),
    however many of the list's rows are about that child."""
    rid, via = context.request_id.get(), context.channel.get()
    child_ids = dict.fromkeys(child_ids)  # each child once, in the order shown
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor,
            actor_agency=actor.agency,
            action=Action.VIEW,
            object_type=object_type,
            object_id=str(cid),
            child_id=cid,
            request_id=rid,
            via=via,
            detail={"part": part},
        )
        for cid in child_ids
    )
