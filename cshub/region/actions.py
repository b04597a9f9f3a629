"""State changes of this app: registering a peer, rotating this instance's key, a peer's new
key learned from its signed `region.key` message. Each atomic and audited."""

import ipaddress
import re
import urllib.parse
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cshub.access.models import User
from cshub.audit.changes import change_detail, snapshot
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.region import keys
from cshub.region.models import Peer, PeerRole
from cshub.region.transport import enqueue

HUB_ID = re.compile(r"[a-z0-9-]{2,40}")
# A postcode district: the outward code ("M8", "BL9", "WA15", "EC1A").
DISTRICT = re.compile(r"[A-Z]{1,2}[0-9][0-9A-Z]?")
LOOPBACK_NAMES = {"localhost"}
KEY_STATEMENT = "cshub region.key\n{hub}\n{key}"


def _loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def clean_url(url: str) -> str:
    """A peer's base URL: https, or http to this machine only; no query, fragment or login."""
    text = url.strip()
    parts = urllib.parse.urlsplit(text)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValidationError({"url": "Enter the hub's address, like https://cshub.example.gov.uk"})
    if parts.scheme == "http" and not _loopback(parts.hostname):
        raise ValidationError({"url": "Use https: http is only for an instance on this machine (127.0.0.1)"})
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ValidationError({"url": "The address must have no query, fragment or login in it"})
    try:
        parts.port  # noqa: B018 - a port that is not a number raises
    except ValueError as error:
        raise ValidationError({"url": "The address's port is not a number"}) from error
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def clean_districts(districts: list[str] | str) -> list[str]:
    items = districts.split(",") if isinstance(districts, str) else districts
    cleaned: list[str] = []
    for item in items:
        district = item.strip().upper().replace(" ", "")
        if not district:
            continue
        if not DISTRICT.fullmatch(district):
            raise ValidationError(
                {
                    "districts": f'"{item.strip()}" is not a postcode district: give the first part of a postcode, like M8 or BL9'
                }
            )
        if district not in cleaned:
            cleaned.append(district)
    return cleaned


def clean_public_key(pem: str) -> str:
    try:
        return keys.public_pem(keys.parse_public_key(pem))
    except ValueError as error:
        raise ValidationError({"public_key": str(error)}) from error


def _peer_snapshot(peer: Peer) -> dict[str, Any]:
    values = snapshot(peer, ["name", "role", "url", "districts", "active", "previous_key_until"])
    values["public_key_fingerprint"] = keys.fingerprint(peer.public_key) if peer.public_key else ""
    return values


@transaction.atomic
def register_peer(
    *,
    hub_id: str,
    name: str,
    role: str,
    url: str,
    public_key: str,
    districts: list[str] | str = "",
    actor: User | None,
) -> tuple[Peer, bool]:
    """Create or update a peer (the hub's id is its identity). A new key on a known peer keeps
    the old one as its previous key, accepted for `keys.GRACE`. (peer, created)."""
    hub_id = hub_id.strip()
    if not HUB_ID.fullmatch(hub_id):
        raise ValidationError(
            {"hub_id": "A hub id is 2 to 40 lower-case letters, digits and hyphens, like bury or gm-region"}
        )
    name = name.strip()
    if not name or len(name) > 200:
        raise ValidationError({"name": "Enter the hub's name (200 characters or fewer)"})
    if role not in PeerRole.values:
        raise ValidationError({"role": "The role is hub or region"})
    url = clean_url(url)
    pem = clean_public_key(public_key)
    cleaned_districts = clean_districts(districts)
    if role == PeerRole.REGION:
        other = Peer.objects.filter(role=PeerRole.REGION, active=True).exclude(hub_id=hub_id).first()
        if other is not None:
            raise ValidationError(
                {"role": f"A region is already registered ({other.hub_id}): a hub has one region"}
            )
    peer = Peer.objects.select_for_update().filter(hub_id=hub_id).first()
    if peer is None:
        peer = Peer.objects.create(
            hub_id=hub_id, name=name, role=role, url=url, public_key=pem, districts=cleaned_districts
        )
        record_event(actor, Action.CREATE, peer, detail={"peer": hub_id, "after": _peer_snapshot(peer)})
        return peer, True
    before = _peer_snapshot(peer)
    if peer.public_key != pem:
        peer.previous_key, peer.previous_key_until = peer.public_key, timezone.now() + keys.GRACE
        peer.public_key = pem
    peer.name, peer.role, peer.url, peer.districts, peer.active = name, role, url, cleaned_districts, True
    peer.save()
    record_event(actor, Action.UPDATE, peer, detail=change_detail(before, _peer_snapshot(peer), peer=hub_id))
    return peer, False


def key_statement(hub_id: str, pem: str) -> bytes:
    """What the new key signs in a `region.key` message: it holds the key it announces."""
    return KEY_STATEMENT.format(hub=hub_id, key=pem.strip()).encode("utf-8")


def rotate_keys(*, actor: User | None) -> tuple[str, list[Peer]]:
    """A new key pair for this instance; every active peer is sent a `region.key` message
    (signed with the old key, with the new key's signature of the statement). (new PEM, peers)."""
    old_pem, new_pem, until = keys.rotate()
    proof = keys.sign(keys.private_key(), key_statement(settings.CSHUB_HUB_ID, new_pem))
    with transaction.atomic():
        peers = list(Peer.objects.filter(active=True))
        record_event(
            actor,
            Action.UPDATE,
            None,
            detail={
                "region_key": "rotated",
                "fingerprint": keys.fingerprint(new_pem),
                "previous": keys.fingerprint(old_pem),
                "previous_until": until.isoformat(),
                "told": [p.hub_id for p in peers],
            },
        )
        for peer in peers:
            enqueue(peer, "region.key", {"public_key": new_pem, "proof": proof}, actor=actor)
    return new_pem, peers


@transaction.atomic
def learn_key(sender: Peer, pem: str, proof: str) -> bool:
    """A peer's new key from its signed `region.key` message; the key it had is accepted as
    its previous one for `keys.GRACE`. Whether anything changed (ValueError: refused)."""
    new = keys.public_pem(keys.parse_public_key(pem))
    if not keys.verify(new, proof, key_statement(sender.hub_id, new)):
        raise ValueError("The new key's proof does not verify")
    peer = Peer.objects.select_for_update().get(pk=sender.pk)
    if peer.public_key == new:
        return False
    before = _peer_snapshot(peer)
    peer.previous_key, peer.previous_key_until = peer.public_key, timezone.now() + keys.GRACE
    peer.public_key = new
    peer.save(update_fields=["public_key", "previous_key", "previous_key_until"])
    record_event(
        None, Action.UPDATE, peer, detail=change_detail(before, _peer_snapshot(peer), peer=peer.hub_id)
    )
    return True
