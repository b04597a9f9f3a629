"""The link to each peer, as `cshub region status` and the page `/region/` show it."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Q
from django.utils import timezone

from cshub.region import keys
from cshub.region.models import Direction, MessageStatus, Peer


@dataclass(frozen=True)
class PeerStatus:
    peer: Peer
    fingerprint: str
    previous_fingerprint: str  # while its previous key is still accepted
    last_sent: dt.datetime | None
    last_received: dt.datetime | None
    waiting: int
    failed: int
    refused_by_them: int
    refused_by_us: int


def peer_status() -> list[PeerStatus]:
    """Every peer (active first, then by name), with counts of its messages, in one query."""
    out, inbound = Q(messages__direction=Direction.OUT), Q(messages__direction=Direction.IN)
    peers = Peer.objects.annotate(
        last_sent=Max("messages__created_at", filter=out),
        last_received=Max("messages__created_at", filter=inbound),
        waiting=Count("messages", filter=out & Q(messages__status=MessageStatus.PENDING)),
        failed=Count("messages", filter=out & Q(messages__status=MessageStatus.FAILED)),
        refused_by_them=Count("messages", filter=out & Q(messages__status=MessageStatus.REFUSED)),
        refused_by_us=Count("messages", filter=inbound & Q(messages__status=MessageStatus.REFUSED)),
    ).order_by("-active", "name", "hub_id")
    now = timezone.now()
    return [
        PeerStatus(
            peer=p,
            fingerprint=keys.fingerprint(p.public_key),
            previous_fingerprint=(
                keys.fingerprint(p.previous_key)
                if p.previous_key and p.previous_key_until and p.previous_key_until > now
                else ""
            ),
            last_sent=p.last_sent,
            last_received=p.last_received,
            waiting=p.waiting,
            failed=p.failed,
            refused_by_them=p.refused_by_them,
            refused_by_us=p.refused_by_us,
        )
        for p in peers
    ]
