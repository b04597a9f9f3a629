"""The one way an instance of the region talks to another (docs/region.md).

Sending: `enqueue(peer, kind, payload, actor=...)` writes the message to the outbox in the
caller's transaction (with its audit event); `deliver_due()` (part A) signs and POSTs each
pending one to the peer's inbox, retrying with back-off, and records the reply.

Receiving: the inbox view (part A) checks the signature, the timestamp and the nonce, then
runs the handler registered for the message's kind (`@handles("kind")`) inside one
transaction with the inbox row and its audit event: a handler that raises `Refused` leaves
nothing applied, and the sender is told why (HTTP 4xx with the reason).

Handlers are plain functions `(sender: Peer, payload: dict) -> dict` (the reply's body), so
each part tests its own with no server: `dispatch(peer, kind, payload)`."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction

from cshub.access.models import User
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.region.models import Direction, Message, Peer, PeerRole

Handler = Callable[[Peer, dict[str, Any]], dict[str, Any]]
HANDLERS: dict[str, Handler] = {}


class Refused(Exception):
    """A message refused with a reason the sender is told (nothing of it applied)."""


def handles(kind: str) -> Callable[[Handler], Handler]:
    """Register the handler of one kind of message (once per kind)."""

    def register(fn: Handler) -> Handler:
        if kind in HANDLERS and HANDLERS[kind] is not fn:
            raise RuntimeError(f"two handlers for {kind}")
        HANDLERS[kind] = fn
        return fn

    return register


def is_region() -> bool:
    """Whether this instance is the regional CSHub (it holds no case records)."""
    return bool(settings.CSHUB_INSTANCE == "region")


def region_peer() -> Peer:
    """The regional CSHub, as this hub knows it (refused when none is registered)."""
    peer = Peer.objects.filter(role=PeerRole.REGION, active=True).first()
    if peer is None:
        raise Refused("No region is registered: run `cshub region register --role region …`")
    return peer


def peer(hub_id: str) -> Peer:
    """An active peer by its hub id (refused when unknown)."""
    found = Peer.objects.filter(hub_id=hub_id, active=True).first()
    if found is None:
        raise Refused(f"Unknown hub: {hub_id}")
    return found


@transaction.atomic
def enqueue(to: Peer, kind: str, payload: dict[str, Any], *, actor: User | None) -> Message:
    """Put a message in the outbox (sent by `deliver_due`), audited in the same transaction."""
    message = Message.objects.create(
        direction=Direction.OUT, peer=to, kind=kind, payload=payload, created_by=actor
    )
    record_event(
        actor, Action.EXPORT, message, detail={"message": str(message.id), "kind": kind, "to": to.hub_id}
    )
    return message


def dispatch(sender: Peer, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Run the handler of `kind` (the inbox view calls this inside its transaction)."""
    handler = HANDLERS.get(kind)
    if handler is None:
        raise Refused(f"Unknown kind of message: {kind}")
    return handler(sender, payload)
