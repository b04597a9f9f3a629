"""Peers for the regional tests: the region and two other hubs (Bolton covers BL1 to BL3,
Bury BL9 and M26), as a hub knows them; on the region, the same hubs."""

from typing import Any

import pytest

from cshub.region.models import Peer, PeerRole


def make_peer(hub_id: str, name: str, role: str = PeerRole.HUB, districts: list[str] | None = None) -> Peer:
    return Peer.objects.create(
        hub_id=hub_id,
        name=name,
        role=role,
        url=f"http://127.0.0.1:9/{hub_id}/",
        public_key="-----BEGIN PUBLIC KEY-----\nnot used here\n-----END PUBLIC KEY-----\n",
        districts=districts or [],
    )


@pytest.fixture
def peers(db: Any) -> dict[str, Peer]:
    return {
        "region": make_peer("gm-region", "Greater Manchester region", PeerRole.REGION),
        "bolton": make_peer("bolton", "Bolton", districts=["BL1", "BL2", "BL3"]),
        "bury": make_peer("bury", "Bury", districts=["BL9", "M26"]),
        "wigan": make_peer("wigan", "Wigan", districts=["WN1"]),
    }
