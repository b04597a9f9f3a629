"""The messages this app receives (docs/region.md): `@handles(kind)` functions.

On the region: `linkage.encodings` (a hub's encodings) and `linkage.decision` (a hub's
decision on a match). On a hub: `linkage.match` and `linkage.unmatch`, from the region only."""

from decimal import Decimal, InvalidOperation
from typing import Any

from cshub.crossborder import actions as crossborder
from cshub.linkage import actions
from cshub.linkage.models import LinkageRef
from cshub.region.models import Peer, PeerRole
from cshub.region.transport import Refused, handles, is_region, peer


@handles("linkage.encodings")
def encodings(sender: Peer, payload: dict[str, Any]) -> dict[str, Any]:
    if sender.role != PeerRole.HUB:
        raise Refused("Only a hub sends linkage encodings")
    return actions.receive_encodings(sender, payload)


@handles("linkage.decision")
def decision(sender: Peer, payload: dict[str, Any]) -> dict[str, Any]:
    return actions.record_decision(sender, payload)


def _from_region(sender: Peer) -> None:
    if is_region():
        raise Refused("The region is told of no matches")
    if sender.role != PeerRole.REGION:
        raise Refused("Only the region tells a hub of matches")


@handles("linkage.match")
def match(sender: Peer, payload: dict[str, Any]) -> dict[str, Any]:
    _from_region(sender)
    ours = LinkageRef.objects.filter(ref=str(payload.get("ref", ""))).first()
    if ours is None:
        raise Refused("Unknown ref")
    if payload.get("kind") not in (None, ours.kind):
        raise Refused("The match's kind is not the kind of the record")
    try:
        score = Decimal(str(payload.get("score")))
    except InvalidOperation:
        raise Refused("A score is a number from 0 to 1") from None
    if not Decimal(0) <= score <= Decimal(1):
        raise Refused("A score is a number from 0 to 1")
    their_ref, region_match_id = str(payload.get("their_ref", "")), str(payload.get("match", ""))
    if not their_ref or len(their_ref) > 32 or not region_match_id or len(region_match_id) > 64:
        raise Refused("A match needs the region's id and the other hub's ref")
    their_hub = peer(str(payload.get("hub", "")))
    crossborder.record_match(region_match_id, ours, their_hub, their_ref, score.quantize(Decimal("0.001")))
    return {}


@handles("linkage.unmatch")
def unmatch(sender: Peer, payload: dict[str, Any]) -> dict[str, Any]:
    _from_region(sender)
    if crossborder.withdraw_match(str(payload.get("match", ""))) is None:
        raise Refused("Unknown match")
    return {}
