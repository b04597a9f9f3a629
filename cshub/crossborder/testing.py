"""Records for tests of cross-border matches and sharing (this app's and the URL matrix's)."""

from decimal import Decimal
from typing import Any

from cshub.access.models import User
from cshub.crossborder import actions
from cshub.crossborder.models import CrossBorderMatch, InfoRequest, LawfulBasis
from cshub.intelligence.models import Subject
from cshub.linkage.models import LinkageRef, RecordKind
from cshub.people.models import Person
from cshub.region.models import Peer, PeerRole
from cshub.region.transport import dispatch

PURPOSE = "Bury police found him with an adult we know; we need to know who is working with him."


def other_hub(hub_id: str = "bury", name: str = "Bury hub", role: str = PeerRole.HUB) -> Peer:
    peer, _ = Peer.objects.get_or_create(
        hub_id=hub_id,
        defaults={"name": name, "role": role, "url": f"http://127.0.0.1:9/{hub_id}/", "public_key": "test"},
    )
    return peer


def ref_for(record: Person | Subject) -> LinkageRef:
    if isinstance(record, Subject):
        return LinkageRef.objects.get_or_create(subject=record, defaults={"kind": RecordKind.ADULT})[0]
    return LinkageRef.objects.get_or_create(person=record, defaults={"kind": RecordKind.CHILD})[0]


def make_match(
    record: Person | Subject,
    peer: Peer | None = None,
    *,
    score: str = "0.934",
    region_match_id: str = "",
    confirmed_by: User | None = None,
) -> CrossBorderMatch:
    peer = peer or other_hub()
    ref = ref_for(record)
    match = actions.record_match(
        region_match_id or f"m-{ref.ref[:8]}-{peer.hub_id}", ref, peer, f"t{ref.ref[1:]}", Decimal(score)
    )
    if confirmed_by is not None:
        match = actions.decide_match(match, True, "Checked with the other hub by phone.", actor=confirmed_by)
    return match


def request_payload(about: CrossBorderMatch, /, **changes: Any) -> dict[str, Any]:
    """A `sharing.request` the other hub would send about `about` (our side of the match)."""
    match = about
    payload: dict[str, Any] = {
        "request": "0b5e2c64-2f6c-4d5e-9a43-6d1d9c1f0a11",
        "match": match.region_match_id,
        "ref": match.ours.ref,
        "purpose": PURPOSE,
        "lawful_basis": LawfulBasis.CA1989_S47.value,
        "requested_by": {"name": "Dana Okafor", "role": "Team manager", "agency": "Children's social care"},
    }
    payload.update(changes)
    return payload


def receive_request(match: CrossBorderMatch, /, **changes: Any) -> InfoRequest:
    dispatch(match.their_hub, "sharing.request", request_payload(match, **changes))
    return InfoRequest.objects.get(pk=request_payload(match, **changes)["request"])
