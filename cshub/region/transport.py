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

import datetime as dt
import http.client
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from cshub.access.models import User
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.region import keys, signing
from cshub.region.models import Direction, Message, MessageStatus, Peer, PeerRole

log = logging.getLogger("cshub.region")

INBOX_PATH = "/region/inbox/"
# Waiting for a peer's answer; a claimed message is left to its deliverer this long.
TIMEOUT_SECONDS = 30
LEASE = dt.timedelta(minutes=10)
# A failed message is tried again after BACKOFF_BASE * 2^(attempts - 1), at most BACKOFF_CAP.
BACKOFF_BASE = dt.timedelta(seconds=30)
BACKOFF_CAP = dt.timedelta(hours=1)
# The most of a peer's answer read (an answer is a small JSON object).
MAX_REPLY_BYTES = 1024 * 1024

Handler = Callable[[Peer, dict[str, Any]], dict[str, Any]]
HANDLERS: dict[str, Handler] = {}


class Refused(Exception):  # noqa: N818 - the contract's name (docs/region.md)
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


# The inbox message whose handler is running (`dispatch`): a handler that keeps what it was
# sent names the message it came in (`current_message`).
_CURRENT: ContextVar[uuid.UUID | None] = ContextVar("cshub_region_inbox_message", default=None)


def current_message() -> uuid.UUID | None:
    """The id of the inbox message being handled (None outside `dispatch`)."""
    return _CURRENT.get()


def dispatch(
    sender: Peer, kind: str, payload: dict[str, Any], *, message: uuid.UUID | None = None
) -> dict[str, Any]:
    """Run the handler of `kind` (the inbox view calls this inside its transaction, with the
    inbox message's id)."""
    handler = HANDLERS.get(kind)
    if handler is None:
        raise Refused(f"Unknown kind of message: {kind}")
    token = _CURRENT.set(message)
    try:
        return handler(sender, payload)
    finally:
        _CURRENT.reset(token)


# Sending ----------------------------------------------------------------------------------


def backoff(attempts: int) -> dt.timedelta:
    """How long after its `attempts`-th failed try a message is tried again."""
    exponent = min(max(attempts, 1) - 1, 20)
    return min(BACKOFF_CAP, BACKOFF_BASE * (1 << exponent))


def signing_key(to: Peer) -> Ed25519PrivateKey:
    """This instance's key, or, after a rotation, the previous one for a peer that has not yet
    accepted the `region.key` message telling it the new key (until the grace period ends).
    A peer not sent one (registered after the rotation) was given the new key."""
    current = keys.private_key()
    previous = keys.previous_key()
    if previous is None:
        return current
    current_pem = keys.public_pem(current)
    sent = Message.objects.filter(direction=Direction.OUT, peer=to, kind="region.key").only(
        "payload", "status"
    )
    told = [m for m in sent.order_by("-created_at")[:20] if m.payload.get("public_key") == current_pem]
    if not told or any(m.status == MessageStatus.ACCEPTED for m in told):
        return current  # registered since the rotation (it was given the new key), or told
    return previous.key


def body_of(message: Message) -> bytes:
    """The signed body of an outbox message (docs/region.md)."""
    body = {
        "id": str(message.id),
        "kind": message.kind,
        "from": settings.CSHUB_HUB_ID,
        "to": message.peer.hub_id,
        "payload": message.payload,
    }
    return json.dumps(body, separators=(",", ":"), sort_keys=True).encode("utf-8")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect would send the body to a path it was not signed for: answered as it is."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    """POST; (status, answer). Network faults raise OSError (URLError is one)."""
    host = urllib.parse.urlsplit(url).hostname or ""
    handlers: list[urllib.request.BaseHandler] = [_NoRedirect()]
    if host in ("localhost", "127.0.0.1", "::1"):
        handlers.append(urllib.request.ProxyHandler({}))  # never through a proxy to this machine
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - https, or http on loopback (actions.clean_url)
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return int(response.status), response.read(MAX_REPLY_BYTES)
    except urllib.error.HTTPError as error:
        try:
            return int(error.code), error.read(MAX_REPLY_BYTES)
        finally:
            error.close()


def _answer(raw: bytes) -> dict[str, Any]:
    try:
        answer = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    return answer if isinstance(answer, dict) else {}


def _finish(message: Message, status: str, *, error: str = "", reply: Any = None) -> str:
    now = timezone.now()
    fields: dict[str, Any] = {"status": status, "error": error[:2000]}
    if status == MessageStatus.FAILED:
        fields["next_attempt_at"] = now + backoff(message.attempts)
    else:
        fields["done_at"] = now
        fields["reply"] = reply if status == MessageStatus.ACCEPTED else None
    Message.objects.filter(pk=message.pk).update(**fields)
    for name, value in fields.items():
        setattr(message, name, value)
    return status


def deliver(message: Message) -> str:
    """Sign and POST one outbox message (already claimed) and record what came of it:
    accepted (with the reply), refused (a 4xx: not tried again; the reason kept) or failed
    (unreachable, a time-out or a 5xx: tried again after `backoff`). The status."""
    to = message.peer
    url = to.url.rstrip("/") + INBOX_PATH
    path = urllib.parse.urlsplit(url).path
    try:
        key = signing_key(to)
    except keys.KeyFileError as problem:
        log.warning("region: not sent %s %s to %s: %s", message.id, message.kind, to.hub_id, problem)
        return _finish(message, MessageStatus.FAILED, error=str(problem))
    body = body_of(message)
    headers = signing.sign_request(key, sender=settings.CSHUB_HUB_ID, path=path, body=body)
    headers["Content-Type"] = "application/json"
    try:
        status, raw = _post(url, body, headers)
    except (OSError, ValueError, http.client.HTTPException) as fault:
        reason = getattr(fault, "reason", None) or fault
        error = f"Could not reach {to.hub_id}: {type(fault).__name__} ({reason})"
        log.warning(
            "region: failed %s %s to %s (attempt %d): %s",
            message.id,
            message.kind,
            to.hub_id,
            message.attempts,
            type(fault).__name__,
        )
        return _finish(message, MessageStatus.FAILED, error=error)
    answer = _answer(raw)
    if 200 <= status < 300 and answer.get("ok") is True:
        log.info("region: accepted %s %s by %s", message.id, message.kind, to.hub_id)
        return _finish(message, MessageStatus.ACCEPTED, reply=answer.get("reply", {}))
    reason = str(answer.get("error") or f"HTTP {status}")
    if 400 <= status < 500 and status not in (408, 429):
        log.warning(
            "region: refused %s %s by %s (%d): %s", message.id, message.kind, to.hub_id, status, reason
        )
        return _finish(message, MessageStatus.REFUSED, error=f"Refused ({status}): {reason}")
    log.warning(
        "region: failed %s %s to %s (attempt %d): HTTP %d",
        message.id,
        message.kind,
        to.hub_id,
        message.attempts,
        status,
    )
    return _finish(message, MessageStatus.FAILED, error=f"{to.hub_id} answered {status}: {reason}")


def claim(
    *, now: dt.datetime | None = None, skip_peers: set[int] | frozenset[int] = frozenset()
) -> Message | None:
    """The next due outbox message, leased to this deliverer (attempts counted): no other
    deliverer takes it while it is being sent. On PostgreSQL rows another deliverer has
    locked are skipped; on both, the conditional update is the guard."""
    now = now or timezone.now()
    while True:
        with transaction.atomic():
            due = (
                Message.objects.filter(
                    direction=Direction.OUT,
                    status__in=[MessageStatus.PENDING, MessageStatus.FAILED],
                    next_attempt_at__lte=now,
                    peer__active=True,
                )
                .exclude(peer_id__in=skip_peers)
                .order_by("next_attempt_at", "created_at")
            )
            if connection.vendor == "postgresql":
                due = due.select_for_update(skip_locked=True, of=("self",))
            found = due.only("pk", "status", "next_attempt_at").first()
            if found is None:
                return None
            taken = Message.objects.filter(
                pk=found.pk, status=found.status, next_attempt_at=found.next_attempt_at
            ).update(next_attempt_at=now + LEASE, attempts=F("attempts") + 1)
        if taken:
            return Message.objects.select_related("peer").get(pk=found.pk)


def deliver_due(*, limit: int | None = None) -> Counter[str]:
    """Send every due outbox message once (a peer that could not be reached is left for the
    next round). Counts by outcome."""
    outcomes: Counter[str] = Counter()
    unreachable: set[int] = set()
    started = timezone.now()
    while limit is None or sum(outcomes.values()) < limit:
        message = claim(now=started, skip_peers=unreachable)
        if message is None:
            break
        outcome = deliver(message)
        outcomes[outcome] += 1
        if outcome == MessageStatus.FAILED:
            unreachable.add(message.peer_id)
    return outcomes
