"""The inbox (`POST /region/inbox/`: signed messages from peers, no session) and the link
status page (`/region/`). docs/region.md."""

import json
import logging
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from cshub.access.decorators import require_perm
from cshub.access.permissions import Perm
from cshub.audit import context
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.region import queries, signing, transport
from cshub.region.models import Direction, Message, MessageStatus, Peer, SeenNonce

log = logging.getLogger("cshub.region")

# The largest message body the inbox reads (linkage encodings are the largest messages).
MAX_BODY_BYTES = 64 * 1024 * 1024


def _refuse(status: int, reason: str, *, sender: str) -> JsonResponse:
    log.warning(
        "region inbox: refused a message from %s (%d): %s",
        signing.printable(sender) or "(none)",
        status,
        reason,
    )
    return JsonResponse({"ok": False, "error": reason}, status=status)


def _outcome(message: Message) -> JsonResponse:
    if message.status == MessageStatus.ACCEPTED:
        return JsonResponse({"ok": True, "reply": message.reply or {}})
    return JsonResponse({"ok": False, "error": message.error}, status=400)


def _parse(body: bytes, peer: Peer) -> tuple[uuid.UUID, str, dict[str, Any]]:
    """The message's id, kind and payload (`signing.InvalidRequestError` 400 when it is not one)."""
    try:
        message = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise signing.InvalidRequestError(400, "The body is not JSON") from error
    if not isinstance(message, dict):
        raise signing.InvalidRequestError(400, "The body is not a JSON object")
    try:
        message_id = uuid.UUID(str(message.get("id", "")))
    except ValueError as error:
        raise signing.InvalidRequestError(400, "The message has no id (a UUID)") from error
    kind, payload = message.get("kind"), message.get("payload")
    if message.get("from") != peer.hub_id:
        raise signing.InvalidRequestError(400, "The message's from is not the hub that signed it")
    if message.get("to") != settings.CSHUB_HUB_ID:
        raise signing.InvalidRequestError(
            400, f"The message is not for this instance ({settings.CSHUB_HUB_ID})"
        )
    if not isinstance(kind, str) or not kind or len(kind) > 40:
        raise signing.InvalidRequestError(400, "The message has no kind")
    if kind not in transport.HANDLERS:
        raise signing.InvalidRequestError(400, f"Unknown kind of message: {kind}")
    if not isinstance(payload, dict):
        raise signing.InvalidRequestError(400, "The payload is not a JSON object")
    return message_id, kind, payload


def _apply(message: Message, peer: Peer) -> None:
    """Run the handler in a savepoint: refused, it leaves nothing behind but the inbox row."""
    try:
        with transaction.atomic():
            reply = transport.dispatch(peer, message.kind, message.payload, message=message.id)
    except transport.Refused as refusal:
        message.status, message.error = MessageStatus.REFUSED, (str(refusal) or "Refused")[:2000]
    except ValidationError as invalid:
        message.status, message.error = MessageStatus.REFUSED, "; ".join(invalid.messages)[:2000]
    else:
        message.status, message.reply = MessageStatus.ACCEPTED, reply if isinstance(reply, dict) else {}
    message.done_at = timezone.now()
    message.save(update_fields=["status", "error", "reply", "done_at"])


def _receive(
    checked: signing.Checked, message_id: uuid.UUID, kind: str, payload: dict[str, Any]
) -> JsonResponse:
    peer = checked.peer
    with transaction.atomic():
        try:
            with transaction.atomic():
                SeenNonce.objects.create(peer=peer, nonce=checked.nonce)
        except IntegrityError:
            return _refuse(409, "Replay: this nonce has been used already", sender=peer.hub_id)
        message = Message(
            direction=Direction.IN,
            peer=peer,
            kind=kind,
            payload=payload,
            remote_id=message_id,
            attempts=1,
            status=MessageStatus.PENDING,
        )
        try:
            with transaction.atomic():
                message.save(force_insert=True)
        except IntegrityError:
            # The same message sent again (its first answer was lost): answered as before.
            earlier = Message.objects.get(direction=Direction.IN, peer=peer, remote_id=message_id)
            log.info("region inbox: %s %s from %s again, answered as before", message_id, kind, peer.hub_id)
            return _outcome(earlier)
        _apply(message, peer)
        record_event(
            None,
            Action.IMPORT,
            message,
            detail={
                "message": str(message_id),
                "kind": kind,
                "from": peer.hub_id,
                "status": message.status,
                **({"reason": message.error} if message.status == MessageStatus.REFUSED else {}),
                **({"previous_key": True} if checked.with_previous_key else {}),
            },
        )
    if message.status == MessageStatus.REFUSED:
        return _refuse(400, message.error, sender=peer.hub_id)
    log.info("region inbox: accepted %s %s from %s", message_id, kind, peer.hub_id)
    return _outcome(message)


@csrf_exempt  # signed instead: no session, no cookie (docs/region.md)
@require_POST
def inbox(request: HttpRequest) -> HttpResponse:
    """A signed message from a peer, checked then applied in one transaction."""
    sender = request.headers.get(signing.FROM, "")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return _refuse(411, "Send the body with a Content-Length", sender=sender)
    if length > MAX_BODY_BYTES:
        return _refuse(413, f"The body is over {MAX_BODY_BYTES // (1024 * 1024)} MB", sender=sender)
    body = request.read(length) if length > 0 else b""
    token = context.channel.set("region")
    try:
        signing.forget_old_nonces()
        checked = signing.check(
            method=request.method or "", path=request.path, body=body, headers=request.headers
        )
        message_id, kind, payload = _parse(body, checked.peer)
        return _receive(checked, message_id, kind, payload)
    except signing.InvalidRequestError as invalid:
        return _refuse(invalid.status, invalid.reason, sender=sender)
    finally:
        context.channel.reset(token)


DIRECTIONS = {"out": Direction.OUT, "in": Direction.IN}


@require_perm(Perm.MANAGE_REGION, Perm.VIEW_REGION)
@require_GET
def status(request: HttpRequest) -> HttpResponse:
    """Every peer with its link, then the outbox and inbox, newest first (never a payload)."""
    direction = DIRECTIONS.get(request.GET.get("direction", ""))
    messages = Message.objects.select_related("peer").defer("payload", "reply").order_by("-created_at", "-pk")
    if direction:
        messages = messages.filter(direction=direction)
    page = Paginator(messages, settings.CSHUB_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "region/status.html",
        {
            "peers": queries.peer_status(),
            "page": page,
            "direction": direction or "",
            "query": f"direction={direction}" if direction else "",
            "hub_id": settings.CSHUB_HUB_ID,
            "instance": settings.CSHUB_INSTANCE,
        },
    )


urlpatterns: list[URLPattern] = [
    path("region/", status, name="status"),
    path("region/inbox/", inbox, name="inbox"),
]
