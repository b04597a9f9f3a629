"""Cross-border matches and sharing on a hub: the one write path (docs/region.md)."""

import datetime as dt
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from cshub.access.models import User
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.core import locks
from cshub.core.codes import Agency
from cshub.crossborder import summary as agreed
from cshub.crossborder.models import (
    PURPOSE_MAX_LENGTH,
    PURPOSE_MIN_LENGTH,
    CrossBorderMatch,
    InfoRequest,
    LawfulBasis,
    MatchStatus,
    RequestDirection,
    RequestStatus,
    SummaryRead,
)
from cshub.linkage.models import LinkageRef
from cshub.region import transport
from cshub.region.models import Peer, PeerRole


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


def child_id_of(match: CrossBorderMatch) -> int | None:
    """The child whose audit trail an event about this match belongs on (adults: none)."""
    return match.ours.person_id


def _locked_match(match: CrossBorderMatch) -> CrossBorderMatch:
    locks.hold(f"crossborder:match:{match.region_match_id}")
    return CrossBorderMatch.objects.select_related("ours", "their_hub").get(pk=match.pk)


@transaction.atomic
def decide_match(match: CrossBorderMatch, confirm: bool, note: str, *, actor: User) -> CrossBorderMatch:
    """A manager confirms (the same person) or rejects (not the same person) a match still
    to decide, with a note; the region is told the decision (`linkage.decision`)."""
    note = note.strip()
    if not note:
        raise ValidationError("Enter a note saying why you decided this")
    match = _locked_match(match)
    if match.status != MatchStatus.PENDING:
        raise ValidationError(f"This match has already been decided: {match.get_status_display().lower()}")
    match.status = MatchStatus.CONFIRMED if confirm else MatchStatus.REJECTED
    match.decided_by, match.decided_at, match.decision_note = actor, timezone.now(), note
    match.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    record_event(
        actor,
        Action.UPDATE,
        match,
        child_id=child_id_of(match),
        detail={"match": match.region_match_id, "decision": match.status},
    )
    region = Peer.objects.filter(role=PeerRole.REGION, active=True).first()
    if region is not None:  # a hub told of a match knows its region; none: nobody to tell
        transport.enqueue(
            region,
            "linkage.decision",
            {"match": match.region_match_id, "decision": match.status},
            actor=actor,
        )
    return match


def _role_of(user: User) -> str:
    if user.job_title:
        return user.job_title
    return ", ".join(str(role.name) for role in user.roles.all())


def _check_request(purpose: str, lawful_basis: str) -> None:
    problems = []
    if len(purpose) < PURPOSE_MIN_LENGTH:
        problems.append(
            "Enter the purpose of the request: why you need the information, "
            f"in at least {PURPOSE_MIN_LENGTH} characters"
        )
    elif len(purpose) > PURPOSE_MAX_LENGTH:
        problems.append(f"The purpose must be {PURPOSE_MAX_LENGTH} characters or fewer")
    if lawful_basis not in LawfulBasis.values:
        problems.append("Select the lawful basis for sharing")
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def request_information(
    match: CrossBorderMatch, purpose: str, lawful_basis: str, *, actor: User
) -> InfoRequest:
    """Ask the other hub for its agreed summary about a confirmed match, with a purpose and a
    lawful basis: sent direct to that hub (`sharing.request`), never through the region."""
    purpose = purpose.strip()
    _check_request(purpose, lawful_basis)
    match = _locked_match(match)
    if match.status != MatchStatus.CONFIRMED:
        raise ValidationError("Confirm the match before requesting information")
    other = transport.peer(match.their_hub.hub_id)  # Refused: that hub is no longer active
    request = InfoRequest.objects.create(
        match=match,
        direction=RequestDirection.SENT,
        purpose=purpose,
        lawful_basis=lawful_basis,
        requested_by=actor,
        requested_by_name=actor.get_full_name() or actor.username,
        requested_by_role=_role_of(actor),
        requested_by_agency=Agency(actor.agency).label if actor.agency in Agency.values else "",
    )
    transport.enqueue(
        other,
        "sharing.request",
        {
            "request": str(request.id),
            "match": match.region_match_id,
            "ref": match.their_ref,
            "purpose": purpose,
            "lawful_basis": lawful_basis,
            "requested_at": request.requested_at.isoformat(),
            "requested_by": {
                "name": request.requested_by_name,
                "role": request.requested_by_role,
                "agency": request.requested_by_agency,
            },
        },
        actor=actor,
    )
    record_event(
        actor,
        Action.CREATE,
        request,
        child_id=child_id_of(match),
        detail={"request": str(request.id), "hub": other.hub_id, "lawful_basis": lawful_basis},
    )
    return request


@transaction.atomic
def receive_request(sender: Peer, payload: dict[str, Any]) -> InfoRequest:
    """Another hub asks for our summary (the `sharing.request` handler): refused, with
    nothing stored, without a purpose or lawful basis, or naming a match or ref we do not hold
    with that hub."""
    request_id = _text(payload, "request", 64)
    purpose = _text(payload, "purpose", PURPOSE_MAX_LENGTH, required=False).strip()
    lawful_basis = _text(payload, "lawful_basis", 64, required=False)
    if len(purpose) < PURPOSE_MIN_LENGTH:
        raise transport.Refused(f"A request needs a purpose of at least {PURPOSE_MIN_LENGTH} characters")
    if lawful_basis not in LawfulBasis.values:
        raise transport.Refused("A request needs a lawful basis this hub recognises")
    request_uuid = _uuid(request_id)
    by = payload.get("requested_by")
    if not isinstance(by, dict):
        raise transport.Refused("A request must say who asked (requested_by)")
    name = _text(by, "name", 200).strip()
    if not name:
        raise transport.Refused("A request must say who asked (requested_by.name)")
    ref = _text(payload, "ref", 32)
    if not LinkageRef.objects.filter(ref=ref).exists():
        raise transport.Refused("Unknown ref")
    region_match_id = _text(payload, "match", 64)
    locks.hold(f"crossborder:match:{region_match_id}")
    match = (
        CrossBorderMatch.objects.select_related("ours")
        .filter(region_match_id=region_match_id, ours__ref=ref, their_hub=sender)
        .first()
    )
    if match is None:
        raise transport.Refused("Unknown match")
    if match.status in (MatchStatus.REJECTED, MatchStatus.WITHDRAWN):
        raise transport.Refused(f"This hub holds the match as {match.get_status_display().lower()}")
    if InfoRequest.objects.filter(pk=request_uuid).exists():
        raise transport.Refused("This request was received already")
    request = InfoRequest.objects.create(
        id=request_uuid,
        requested_at=_asked_at(payload),
        match=match,
        direction=RequestDirection.RECEIVED,
        purpose=purpose,
        lawful_basis=lawful_basis,
        requested_by_name=name,
        requested_by_role=_text(by, "role", 200, required=False),
        requested_by_agency=_text(by, "agency", 200, required=False),
    )
    record_event(
        None,
        Action.IMPORT,
        request,
        child_id=child_id_of(match),
        detail={"request": str(request_uuid), "hub": sender.hub_id, "lawful_basis": lawful_basis},
    )
    return request


ASKED_SKEW = dt.timedelta(minutes=5)  # a sender's clock this far ahead of ours is still believed


def _asked_at(payload: dict[str, Any]) -> dt.datetime:
    """When the other hub's manager asked (`requested_at`, ISO 8601 with a time zone), so both
    hubs show one time; now when a sender does not say. Refused when it is not such a time or
    is in the future."""
    said = payload.get("requested_at")
    if said is None:
        return timezone.now()
    try:
        when = parse_datetime(said) if isinstance(said, str) and len(said) <= 40 else None
    except ValueError:  # well formed, but no such day or time
        when = None
    if when is None or timezone.is_naive(when):
        raise transport.Refused("requested_at must be a date and time with a time zone (ISO 8601)")
    if when > timezone.now() + ASKED_SKEW:
        raise transport.Refused("requested_at is in the future")
    return when


def _text(payload: dict[str, Any], key: str, most: int, *, required: bool = True) -> str:
    value = payload.get(key, "" if not required else None)
    if not isinstance(value, str) or (required and not value.strip()):
        raise transport.Refused(f"Missing or not text: {key}")
    if len(value) > most:
        raise transport.Refused(f"Too long: {key}")
    return value


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise transport.Refused("Not a request id") from None


@transaction.atomic
def decide_request(
    request: InfoRequest, approve: bool, reason: str, summary_fields: Iterable[str], *, actor: User
) -> InfoRequest:
    """The holding hub's manager approves (sending the agreed summary: only the ticked fields,
    read from the record now) or declines (with a reason) a request received."""
    reason = reason.strip()
    keys = list(dict.fromkeys(summary_fields))
    match = _locked_match(request.match)
    request = InfoRequest.objects.select_for_update().get(pk=request.pk)
    if request.direction != RequestDirection.RECEIVED:
        raise ValidationError("Only a request received from another hub can be decided here")
    if request.status != RequestStatus.REQUESTED:
        raise ValidationError(
            f"This request has already been decided: {request.get_status_display().lower()}"
        )
    offered = {f.key for f in agreed.fields_for(match.ours)}
    if not approve and not reason:
        raise ValidationError("Enter the reason for declining the request")
    if approve and not keys:
        raise ValidationError("Select at least one thing to share, or decline the request")
    if any(key not in offered for key in keys):
        raise ValidationError("Select only the things offered for sharing")
    sent = {key: value for key, value in agreed.build(match.ours).items() if key in keys} if approve else None
    request.status = RequestStatus.APPROVED if approve else RequestStatus.DECLINED
    request.decided_by, request.decided_at, request.reason = actor, timezone.now(), reason
    request.decided_by_name = actor.get_full_name() or actor.username
    request.summary = sent
    request.save(update_fields=["status", "decided_by", "decided_at", "reason", "decided_by_name", "summary"])
    payload: dict[str, Any] = {
        "request": str(request.id),
        "decision": request.status,
        "reason": reason,
        "decided_by": {"name": request.decided_by_name, "role": _role_of(actor)},
    }
    if sent is not None:
        payload["summary"] = sent
    transport.enqueue(transport.peer(match.their_hub.hub_id), "sharing.reply", payload, actor=actor)
    record_event(
        actor,
        Action.EXPORT if approve else Action.UPDATE,
        request,
        child_id=child_id_of(match),
        detail={"request": str(request.id), "decision": request.status, "fields": sorted(sent or {})},
    )
    return request


@transaction.atomic
def receive_reply(sender: Peer, payload: dict[str, Any]) -> InfoRequest:
    """The other hub's decision on our request (the `sharing.reply` handler): stored once,
    refused with nothing stored when it names no request of ours to that hub or is malformed."""
    request_uuid = _uuid(_text(payload, "request", 64))
    decision = _text(payload, "decision", 16)
    if decision not in (RequestStatus.APPROVED, RequestStatus.DECLINED):
        raise transport.Refused("The decision must be approved or declined")
    reason = _text(payload, "reason", PURPOSE_MAX_LENGTH, required=False)
    by = payload.get("decided_by")
    if isinstance(by, dict):
        by_name = _text(by, "name", 200)
    elif isinstance(by, str) and by.strip() and len(by) <= 200:
        by_name = by
    else:
        raise transport.Refused("A reply must say who decided (decided_by)")
    summary = payload.get("summary")
    if decision == RequestStatus.APPROVED:
        if not isinstance(summary, dict) or not summary:
            raise transport.Refused("An approved reply must carry the agreed summary")
        for key, value in summary.items():
            if key not in agreed.LABELS:
                raise transport.Refused(f"Not a field of the agreed summary: {key}")
            if not isinstance(value, str) or len(value) > agreed.VALUE_MAX_LENGTH:
                raise transport.Refused(f"Not a value of the agreed summary: {key}")
    elif summary is not None:
        raise transport.Refused("A declined reply carries no summary")
    request = (
        InfoRequest.objects.select_for_update()
        .select_related("match")
        .filter(pk=request_uuid, direction=RequestDirection.SENT, match__their_hub=sender)
        .first()
    )
    if request is None:
        raise transport.Refused("Unknown request")
    if request.status != RequestStatus.REQUESTED:
        raise transport.Refused("This request was answered already")
    request.status = decision
    request.reason, request.decided_by_name, request.decided_at = reason, by_name, timezone.now()
    request.summary = summary if decision == RequestStatus.APPROVED else None
    request.save(update_fields=["status", "reason", "decided_by_name", "decided_at", "summary"])
    record_event(
        None,
        Action.IMPORT,
        request,
        child_id=child_id_of(request.match),
        detail={
            "request": str(request_uuid),
            "hub": sender.hub_id,
            "decision": decision,
            "fields": sorted(summary or {}),
        },
    )
    return request


@transaction.atomic
def read_summary(request: InfoRequest, *, actor: User) -> SummaryRead:
    """Someone read the summary another hub sent: who and when, on the request's page and in
    the child's audit trail."""
    read = SummaryRead.objects.create(request=request, reader=actor)
    record_event(
        actor,
        Action.VIEW,
        request,
        child_id=child_id_of(request.match),
        detail={"request": str(request.id), "part": "cross-border summary"},
    )
    return read
