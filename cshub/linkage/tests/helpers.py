"""Peers and payloads for the linkage tests."""

import base64
from collections.abc import Sequence
from typing import Any

from cshub.linkage import encoding
from cshub.linkage.synthetic import Record
from cshub.region.models import Peer, PeerRole


def make_peer(hub_id: str, role: str = PeerRole.HUB) -> Peer:
    """The peer of that id (the `hub` fixture may have made it already: it holds matches
    with "bury" and "salford")."""
    peer, _ = Peer.objects.get_or_create(
        hub_id=hub_id,
        defaults={
            "name": hub_id.title(),
            "role": role,
            "url": f"https://{hub_id}.example",
            "public_key": "-",
        },
    )
    return peer


def ref_of(record: Record) -> str:
    """A stable 32-hex ref for a synthetic record (the tests' own: a hub's are random)."""
    import hashlib

    return hashlib.sha256(f"{record.person}@{record.hub}".encode()).hexdigest()[:32]


def item(record: Record, ref: str | None = None) -> dict[str, Any]:
    ids = record.identifiers()
    clk = encoding.to_bytes(encoding.encode(ids))
    return {
        "ref": ref or ref_of(record),
        "kind": record.kind,
        "clk": base64.b64encode(clk).decode(),
        "blocks": encoding.blocks(ids),
    }


def payload(records: Sequence[Record], **extra: Any) -> dict[str, Any]:
    return {
        "schema": encoding.SCHEMA,
        "full": False,
        "records": [item(r) for r in records],
        "withdrawn": [],
        **extra,
    }
