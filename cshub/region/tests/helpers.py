"""What the region's tests share: a test-only kind of message, peers with keys, signed posts."""

import datetime as dt
import json
import uuid
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.test import Client

from cshub.audit.events import record_event
from cshub.audit.models import Action, AuditEvent
from cshub.region import keys, signing
from cshub.region.models import Peer
from cshub.region.transport import HANDLERS, Refused, handles

INBOX = "/region/inbox/"


def echo(sender: Peer, payload: dict[str, Any]) -> dict[str, Any]:
    """Test-only: writes an audit event (what "applied" means here), then refuses when asked."""
    record_event(None, Action.CREATE, None, detail={"test_echo": payload.get("n"), "from": sender.hub_id})
    if payload.get("refuse"):
        raise Refused("Refused by the test handler")
    return {"echo": payload.get("n")}


if "test.echo" not in HANDLERS:
    handles("test.echo")(echo)


def applied() -> list[Any]:
    """The `n` of every test.echo message applied (its audit event committed)."""
    return [
        e.detail["test_echo"] for e in AuditEvent.objects.filter(detail__has_key="test_echo").order_by("pk")
    ]


def make_peer(
    hub_id: str = "bury", *, key: Ed25519PrivateKey | None = None, **fields: Any
) -> tuple[Peer, Ed25519PrivateKey]:
    key = key or Ed25519PrivateKey.generate()
    values: dict[str, Any] = {
        "name": hub_id.title(),
        "url": "https://peer.example",
        "public_key": keys.public_pem(key),
    }
    values.update(fields)
    return Peer.objects.create(hub_id=hub_id, **values), key


def body(
    n: int = 1, *, sender: str = "bury", to: str | None = None, kind: str = "test.echo", **payload: Any
) -> bytes:
    message = {
        "id": str(uuid.uuid4()),
        "kind": kind,
        "from": sender,
        "to": to or settings.CSHUB_HUB_ID,
        "payload": {"n": n, **payload},
    }
    return json.dumps(message).encode()


def signed_headers(
    key: Ed25519PrivateKey,
    data: bytes,
    *,
    sender: str = "bury",
    path: str = INBOX,
    now: dt.datetime | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    return signing.sign_request(key, sender=sender, path=path, body=data, now=now, nonce=nonce)


def post(data: bytes, headers: dict[str, str], *, path: str = INBOX) -> Any:
    return Client().post(path, data=data, content_type="application/json", headers=headers)
