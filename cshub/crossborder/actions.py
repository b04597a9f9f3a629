"""Cross-border matches and sharing on a hub: the one write path (docs/region.md)."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.core import locks
from cshub.crossborder.models import CrossBorderMatch, MatchStatus
from cshub.linkage.models import LinkageRef
from cshub.region.models import Peer


@transaction.atomic
def record_match(
    region_match_id: str, ours: LinkageRef, their_hub: Peer, their_ref: str, score: Decimal,
    *, at: dt.datetime | None = None,
) -> CrossBorderMatch:  # fmt: skip
    """The region told us of a match (the `linkage.match` handler calls this): created once
    per region match id, its score updated when told again; a decision already made stays."""
    locks.hold(f"crossborder:match:{region_match_id}")
    match, created = CrossBorderMatch.objects.get_or_create(
        region_match_id=region_match_id,
        defaults={"ours": ours, "their_hub": their_hub, "their_ref": their_ref, "score": score},
    )
    if not created:
        match.score, match.told_at = score, at or timezone.now()
        if match.status == MatchStatus.WITHDRAWN:
            match.status = MatchStatus.PENDING
        match.save(update_fields=["score", "told_at", "status"])
    record_event(
        None,
        Action.CREATE if created else Action.UPDATE,
        match,
        child_id=ours.person_id,
        detail={"match": region_match_id, "hub": their_hub.hub_id, "score": str(score)},
    )
    return match


@transaction.atomic
def withdraw_match(region_match_id: str) -> CrossBorderMatch | None:
    """The region says a match no longer holds (`linkage.unmatch`): withdrawn, unless a
    manager already decided it (the decision stays). None when there is no such match."""
    locks.hold(f"crossborder:match:{region_match_id}")
    match = CrossBorderMatch.objects.filter(region_match_id=region_match_id).select_related("ours").first()
    if match is None:
        return None
    if match.status == MatchStatus.PENDING:
        match.status = MatchStatus.WITHDRAWN
        match.save(update_fields=["status"])
        record_event(
            None,
            Action.UPDATE,
            match,
            child_id=match.ours.person_id,
            detail={"match": region_match_id, "status": "withdrawn"},
        )
    return match
