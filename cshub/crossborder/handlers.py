"""The messages this app receives (docs/region.md): `@handles(kind)` functions."""

from typing import Any

from cshub.crossborder import actions
from cshub.region.models import Peer
from cshub.region.transport import handles


@handles("sharing.request")
def sharing_request(sender: Peer, payload: dict[str, Any]) -> dict[str, Any]:
    actions.receive_request(sender, payload)
    return {"received": True}


@handles("sharing.reply")
def sharing_reply(sender: Peer, payload: dict[str, Any]) -> dict[str, Any]:
    actions.receive_reply(sender, payload)
    return {}
