"""Signing a message to a peer and checking one from a peer (docs/region.md, "A signed message").

The signature is Ed25519 over five lines joined by "\\n": the method (`POST`), the path
(`/region/inbox/`), the SHA-256 hex digest of the body, the timestamp (as sent in
`X-CSHub-Timestamp`) and the nonce (`X-CSHub-Nonce`). The receiver checks, in this order:
the headers are there (400), the sender is a known, active peer (401), the signature is its
key's, or its previous key's until that expires (401), the timestamp is within 5 minutes of
its clock (401). The nonce is then remembered (`SeenNonce`, by the inbox, in its
transaction): the same one again is a replay (409)."""

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone

from cshub.region import keys
from cshub.region.models import Peer, SeenNonce

FROM = "X-CSHub-From"
TIMESTAMP = "X-CSHub-Timestamp"
NONCE = "X-CSHub-Nonce"
SIGNATURE = "X-CSHub-Signature"

# How far a message's timestamp may be from the receiver's clock, either way.
SKEW = dt.timedelta(minutes=5)
# Nonces are remembered this long (a message older than SKEW is refused anyway).
NONCE_KEPT = SKEW * 2
NONCE_PATTERN = re.compile(r"[0-9a-f]{32}")


class InvalidRequestError(Exception):
    """A request refused before anything is applied: its HTTP status and the reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


def printable(hub_id: str) -> str:
    """A hub id from a header, safe to log and echo: its first 40 characters, anything but
    the characters of a hub id shown as "?"."""
    return re.sub(r"[^a-z0-9-]", "?", hub_id[:40])


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def canonical(method: str, path: str, body: bytes, timestamp: str, nonce: str) -> bytes:
    """The bytes signed: method, path, body digest, timestamp and nonce, one a line."""
    return "\n".join([method.upper(), path, body_digest(body), timestamp, nonce]).encode("utf-8")


def format_timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def sign_request(
    key: Ed25519PrivateKey,
    *,
    sender: str,
    path: str,
    body: bytes,
    now: dt.datetime | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """The headers of a signed `POST path` with this body."""
    timestamp = format_timestamp(now or timezone.now())
    nonce = nonce or secrets.token_hex(16)
    signature = keys.sign(key, canonical("POST", path, body, timestamp, nonce))
    return {FROM: sender, TIMESTAMP: timestamp, NONCE: nonce, SIGNATURE: signature}


@dataclass(frozen=True)
class Checked:
    peer: Peer
    nonce: str
    with_previous_key: bool


def check(
    *, method: str, path: str, body: bytes, headers: Mapping[str, str], now: dt.datetime | None = None
) -> Checked:
    """The sender of a signed request, or `InvalidRequestError` (status and reason)."""
    now = now or timezone.now()
    values = {name: (headers.get(name) or "").strip() for name in (FROM, TIMESTAMP, NONCE, SIGNATURE)}
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise InvalidRequestError(400, f"Missing header: {', '.join(missing)}")
    hub_id, timestamp, nonce, signature = (values[n] for n in (FROM, TIMESTAMP, NONCE, SIGNATURE))
    peer = Peer.objects.filter(hub_id=hub_id).first() if len(hub_id) <= 40 else None
    if peer is None:
        raise InvalidRequestError(401, f"Unknown hub: {printable(hub_id)}")
    if not peer.active:
        raise InvalidRequestError(401, f"Hub {hub_id} is not active here")
    signed = canonical(method, path, body, timestamp, nonce)
    previous = False
    if not keys.verify(peer.public_key, signature, signed):
        in_grace = (
            bool(peer.previous_key) and peer.previous_key_until is not None and peer.previous_key_until > now
        )
        if in_grace and keys.verify(peer.previous_key, signature, signed):
            previous = True
        elif peer.previous_key and keys.verify(peer.previous_key, signature, signed):
            raise InvalidRequestError(401, "Signed with a key that has expired: register the hub's new key")
        else:
            raise InvalidRequestError(401, "Bad signature")
    try:
        sent = dt.datetime.fromisoformat(timestamp)
    except ValueError as error:
        raise InvalidRequestError(400, "The timestamp is not an ISO 8601 date and time") from error
    if sent.tzinfo is None:
        raise InvalidRequestError(400, "The timestamp has no time zone (send UTC)")
    if abs(now - sent) > SKEW:
        raise InvalidRequestError(401, "The timestamp is more than 5 minutes from this instance's clock")
    if not NONCE_PATTERN.fullmatch(nonce):
        raise InvalidRequestError(400, "The nonce is not 32 hexadecimal digits")
    return Checked(peer, nonce, previous)


def forget_old_nonces(now: dt.datetime | None = None) -> int:
    """Nonces seen longer ago than twice the clock skew (a message that old is refused for
    its timestamp, so its nonce need not be remembered)."""
    deleted, _ = SeenNonce.objects.filter(seen_at__lt=(now or timezone.now()) - NONCE_KEPT).delete()
    return deleted
