"""Linkage: the one write path (docs/region.md, "Linkage").

On a hub: `send_encodings` gives each record it encodes a `LinkageRef` and puts the
encodings that changed (or all: `full`) in the outbox for the region.

On the region: `receive_encodings` stores what a hub sent (the `linkage.encodings` handler),
`rematch` matches everything it holds and tells both hubs of each new match and of each
match that no longer holds, `record_decision` keeps each hub's decision on a match."""

import base64
import binascii
import datetime as dt
import re
import secrets
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from cshub.access.models import User
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.casework.models import Episode
from cshub.core import locks
from cshub.intelligence.models import Subject, SubjectKind
from cshub.linkage import encoding
from cshub.linkage.encoding import Identifiers, Name
from cshub.linkage.matching import Encoded, Stats, find_matches
from cshub.linkage.models import (
    FullSet,
    LinkageRef,
    MatchingState,
    RecordKind,
    RegionEncoding,
    RegionMatch,
    RegionMatchStatus,
    SideDecision,
)
from cshub.people.models import NameKind, Person
from cshub.referrals.models import Referral
from cshub.region import transport
from cshub.region.models import Peer

KIND = "linkage.encodings"
CHUNK = 500  # records a message carries
FULL_EVERY = dt.timedelta(days=1)
SEND_LOCK = "linkage:send"
MATCH_LOCK = "linkage:rematch"


# On a hub ---------------------------------------------------------------------------------


def children_encoded() -> Any:
    """The children a hub encodes: every current (not merged) child record with a hub episode
    or a referral to the hub (a child the hub only ever mentioned, e.g. as a contact, is not)."""
    episodes = Episode.objects.filter(person=OuterRef("pk"))
    referrals = Referral.objects.filter(person=OuterRef("pk"))
    return Person.objects.children().current().filter(Q(Exists(episodes)) | Q(Exists(referrals)))


def adults_encoded() -> Any:
    """The adults of concern a hub encodes: confirmed intelligence subjects of kind ADULT."""
    return Subject.objects.filter(kind=SubjectKind.ADULT, confirmed=True)


def _district(person: Person, today: dt.date) -> str:
    current = [
        a
        for a in person.addresses.all()
        if a.start_date <= today and (a.end_date is None or a.end_date >= today)
    ]
    return encoding.district_of(current[0].postcode) if current else ""


def person_identifiers(person: Person, today: dt.date) -> Identifiers:
    names = [Name(person.forename, person.surname)]
    names += [
        Name(n.forename, n.surname)
        for n in person.names.all()
        if n.kind == NameKind.ALIAS and (n.forename, n.surname) != (person.forename, person.surname)
    ]
    return Identifiers(tuple(names), person.date_of_birth, _district(person, today))


def subject_identifiers(subject: Subject, today: dt.date) -> Identifiers:
    if subject.person is not None:
        return person_identifiers(subject.person, today)
    words = subject.name.split()
    forename, surname = (" ".join(words[:-1]), words[-1]) if len(words) > 1 else ("", " ".join(words))
    return Identifiers((Name(forename, surname),))


def _records(today: dt.date) -> Iterator[tuple[str, Person | Subject, Identifiers]]:
    for person in children_encoded().prefetch_related("names", "addresses").order_by("pk"):
        yield RecordKind.CHILD, person, person_identifiers(person, today)
    subjects = (
        adults_encoded().select_related("person").prefetch_related("person__names", "person__addresses")
    )
    for subject in subjects.order_by("pk"):
        yield RecordKind.ADULT, subject, subject_identifiers(subject, today)


def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)] or [[]]


@transaction.atomic
def send_encodings(*, full: bool = False, actor: User | None, now: dt.datetime | None = None) -> int:
    """Put the encodings of the records that changed since last sent (every record: `full`)
    in the outbox for the region, in messages of `CHUNK` records; records no longer encoded
    (merged, closed to the hub) are withdrawn. Returns the number of records sent."""
    region = transport.region_peer()
    locks.hold(SEND_LOCK)
    now = now or timezone.now()
    today = timezone.localdate(now)
    refs = {(r.person_id, r.subject_id): r for r in LinkageRef.objects.all()}
    new_refs: list[LinkageRef] = []
    rows: list[tuple[LinkageRef, dict[str, Any], str]] = []
    for kind, record, ids in _records(today):
        key = (record.pk, None) if kind == RecordKind.CHILD else (None, record.pk)
        ref = refs.get(key)
        if ref is None:
            ref = LinkageRef(kind=kind, person_id=key[0], subject_id=key[1])
            new_refs.append(ref)
        clk = encoding.to_bytes(encoding.encode(ids))
        blocks = encoding.blocks(ids)
        item = {"ref": ref.ref, "kind": str(kind), "clk": base64.b64encode(clk).decode(), "blocks": blocks}
        rows.append((ref, item, encoding.digest(kind, clk, blocks)))
    LinkageRef.objects.bulk_create(new_refs)
    seen = {ref.ref for ref, _, _ in rows}
    changed = [(ref, item, dg) for ref, item, dg in rows if full or ref.sent_digest != dg]
    gone = [r for r in refs.values() if r.sent_digest and r.ref not in seen]
    if not changed and not gone:
        return 0
    withdrawn = [r.ref for r in gone]
    parts = _chunks([item for _, item, _ in changed], CHUNK)
    set_id = secrets.token_hex(16)
    for number, part in enumerate(parts, start=1):
        payload: dict[str, Any] = {
            "schema": encoding.SCHEMA,
            "full": full,
            "records": part,
            "withdrawn": withdrawn if number == 1 else [],
        }
        if full:
            payload.update({"set": set_id, "part": number, "parts": len(parts)})
        transport.enqueue(region, KIND, payload, actor=actor)
    for ref, _, dg in changed:
        ref.sent_digest, ref.sent_at = dg, now
    for ref in gone:
        ref.sent_digest, ref.sent_at = "", now
    LinkageRef.objects.bulk_update(
        [r for r, _, _ in changed] + gone, ["sent_digest", "sent_at"], batch_size=1000
    )
    record_event(
        actor,
        Action.EXPORT,
        None,
        detail={"linkage": "encodings", "records": len(changed), "withdrawn": len(gone), "full": full},
    )
    return len(changed)


def full_set_due(now: dt.datetime | None = None) -> bool:
    """Whether a day has passed since the last full set was put in the outbox."""
    from cshub.region.models import Direction, Message

    last = (
        Message.objects.filter(direction=Direction.OUT, kind=KIND, payload__full=True)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return last is None or last <= (now or timezone.now()) - FULL_EVERY


# On the region ----------------------------------------------------------------------------

REF = re.compile(r"^[0-9a-f]{32}$")
BLOCK = re.compile(rf"^[0-9a-f]{{{encoding.BLOCK_HEX}}}$")
MAX_BLOCKS = 200


def _valid_record(item: Any) -> tuple[str, str, bytes, list[str]]:
    if not isinstance(item, dict):
        raise transport.Refused("A record is not an object")
    ref, kind, clk, blocks = item.get("ref"), item.get("kind"), item.get("clk"), item.get("blocks")
    if not isinstance(ref, str) or not REF.match(ref):
        raise transport.Refused("A record's ref is not 32 hex digits")
    if kind not in RecordKind.values:
        raise transport.Refused("A record's kind is not child or adult")
    try:
        data = base64.b64decode(str(clk), validate=True)
    except (binascii.Error, ValueError):
        raise transport.Refused("A record's encoding is not base64") from None
    if len(data) != encoding.BYTES:
        raise transport.Refused(f"A record's encoding is not {encoding.BYTES} bytes")
    if (
        not isinstance(blocks, list)
        or len(blocks) > MAX_BLOCKS
        or not all(isinstance(b, str) and BLOCK.match(b) for b in blocks)
    ):
        raise transport.Refused("A record's blocking keys are not a list of keyed hex keys")
    return ref, str(kind), data, sorted(set(blocks))


def _needs_run() -> None:
    state, _ = MatchingState.objects.get_or_create(pk=1)
    if not state.needs_run:
        state.needs_run = True
        state.save(update_fields=["needs_run"])


@transaction.atomic
def receive_encodings(
    hub: Peer, payload: dict[str, Any], *, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Store a hub's encodings (replacing what it sent before of the same refs), remove the
    withdrawn ones, and, when every part of a full set has arrived, the hub's others."""
    if not transport.is_region():
        raise transport.Refused("Only the region receives linkage encodings")
    if payload.get("schema") != encoding.SCHEMA:
        raise transport.Refused(f"Unknown encoding schema: {payload.get('schema')!r}")
    records, withdrawn = payload.get("records", []), payload.get("withdrawn", [])
    if not isinstance(records, list) or not isinstance(withdrawn, list):
        raise transport.Refused("records and withdrawn must be lists")
    if not all(isinstance(r, str) and REF.match(r) for r in withdrawn):
        raise transport.Refused("A withdrawn ref is not 32 hex digits")
    valid = [_valid_record(item) for item in records]
    if len({v[0] for v in valid}) != len(valid):
        raise transport.Refused("A ref appears twice in one message")
    full = payload.get("full") is True
    set_id = str(payload.get("set", "")) if full else ""
    if full and set_id and not re.match(r"^[0-9a-f]{32}$", set_id):
        raise transport.Refused("A full set's id is not 32 hex digits")
    now = now or timezone.now()
    locks.hold(f"linkage:hub:{hub.pk}")
    existing = {e.ref: e for e in RegionEncoding.objects.filter(hub=hub, ref__in=[v[0] for v in valid])}
    changed: list[RegionEncoding] = []
    created: list[RegionEncoding] = []
    for ref, kind, data, blocks in valid:
        row = existing.get(ref) or RegionEncoding(hub=hub, ref=ref)
        row.kind, row.schema, row.clk, row.blocks, row.received_at = kind, encoding.SCHEMA, data, blocks, now
        row.full_set = set_id or row.full_set
        (changed if row.pk else created).append(row)
    RegionEncoding.objects.bulk_create(created, batch_size=500)
    RegionEncoding.objects.bulk_update(
        changed, ["kind", "schema", "clk", "blocks", "received_at", "full_set"], batch_size=500
    )
    removed, _ = RegionEncoding.objects.filter(hub=hub, ref__in=withdrawn).delete()
    if full:
        removed += _full_set_part(hub, payload, set_id, now)
    _needs_run()
    record_event(
        None,
        Action.IMPORT,
        hub,
        detail={"linkage": "encodings", "hub": hub.hub_id, "received": len(valid), "removed": removed},
    )
    return {"received": len(valid)}


def _full_set_part(hub: Peer, payload: dict[str, Any], set_id: str, now: dt.datetime) -> int:
    """Count a part of a full set in; once all have come, remove the hub's encodings not in it."""
    if not set_id:  # a full set in one message, with no set id
        removed, _ = RegionEncoding.objects.filter(hub=hub).exclude(received_at=now).delete()
        return removed
    try:
        part, parts = int(payload.get("part", 1)), int(payload.get("parts", 1))
    except (TypeError, ValueError):
        raise transport.Refused("A full set's part and parts must be numbers") from None
    if not 1 <= part <= parts <= 100_000:
        raise transport.Refused("A full set's part is not between 1 and its parts")
    full_set, _ = FullSet.objects.get_or_create(hub=hub, set_id=set_id, defaults={"parts": parts})
    if full_set.parts != parts:
        raise transport.Refused("A full set's parts changed between its messages")
    received = sorted(set(full_set.received) | {part})
    full_set.received = received
    complete = len(received) == parts and full_set.complete_at is None
    if complete:
        full_set.complete_at = now
    full_set.save(update_fields=["received", "complete_at"])
    if not complete:
        return 0
    removed, _ = RegionEncoding.objects.filter(hub=hub).exclude(full_set=set_id).delete()
    return removed


def _key(hub_a: int, ref_a: str, hub_b: int, ref_b: str) -> tuple[int, str, int, str]:
    return (hub_a, ref_a, hub_b, ref_b) if (hub_a, ref_a) <= (hub_b, ref_b) else (hub_b, ref_b, hub_a, ref_a)


def _tell(match: RegionMatch, peers: dict[int, Peer]) -> None:
    for hub_id, ref, other, their_ref in (
        (match.hub_a_id, match.ref_a, match.hub_b_id, match.ref_b),
        (match.hub_b_id, match.ref_b, match.hub_a_id, match.ref_a),
    ):
        payload = {
            "match": match.match_id,
            "ref": ref,
            "kind": match.kind,
            "hub": peers[other].hub_id,
            "their_ref": their_ref,
            "score": f"{match.score:.3f}",
        }
        transport.enqueue(peers[hub_id], "linkage.match", payload, actor=None)


@transaction.atomic
def rematch(*, now: dt.datetime | None = None, threshold: float | None = None) -> dict[str, int]:
    """Match every encoding the region holds; tell both hubs of each new match (and of a score
    that moved by 0.01 or more), and of each match that no longer holds (`linkage.unmatch`)."""
    if not transport.is_region():
        raise transport.Refused("Only the region matches encodings")
    locks.hold(MATCH_LOCK)
    now = now or timezone.now()
    # Only encodings of this schema: one a hub sent before the schema changed is of other bits.
    rows = list(
        RegionEncoding.objects.filter(schema=encoding.SCHEMA).values_list(
            "hub_id", "ref", "kind", "clk", "blocks"
        )
    )
    records = [Encoded(str(h), r, k, encoding.from_bytes(bytes(c)), b) for h, r, k, c, b in rows]
    stats = Stats()
    kwargs = {"threshold": threshold} if threshold is not None else {}
    pairs = find_matches(records, stats=stats, **kwargs)
    wanted: dict[tuple[int, str, int, str], tuple[str, Decimal]] = {}
    for pair in pairs:
        a, b = records[pair.a], records[pair.b]
        wanted[_key(int(a.hub), a.ref, int(b.hub), b.ref)] = (a.kind, Decimal(f"{pair.score:.3f}"))
    peers = {p.pk: p for p in Peer.objects.all()}
    told = withdrawn = 0
    for match in RegionMatch.objects.filter(status=RegionMatchStatus.ACTIVE).order_by("pk"):
        key = (match.hub_a_id, match.ref_a, match.hub_b_id, match.ref_b)
        if key in wanted:
            _, score = wanted.pop(key)
            if abs(score - match.score) >= Decimal("0.01"):
                match.score = score
                match.save(update_fields=["score"])
                _tell(match, peers)
            continue
        match.status, match.withdrawn_at = RegionMatchStatus.WITHDRAWN, now
        match.save(update_fields=["status", "withdrawn_at"])
        for hub_id in (match.hub_a_id, match.hub_b_id):
            transport.enqueue(peers[hub_id], "linkage.unmatch", {"match": match.match_id}, actor=None)
        record_event(None, Action.UPDATE, match, detail={"match": match.match_id, "status": "withdrawn"})
        withdrawn += 1
    for (hub_a, ref_a, hub_b, ref_b), (kind, score) in sorted(wanted.items()):
        match = RegionMatch.objects.create(
            kind=kind, hub_a_id=hub_a, ref_a=ref_a, hub_b_id=hub_b, ref_b=ref_b, score=score, created_at=now
        )
        _tell(match, peers)
        record_event(
            None,
            Action.CREATE,
            match,
            detail={
                "match": match.match_id,
                "hubs": [peers[hub_a].hub_id, peers[hub_b].hub_id],
                "score": str(score),
            },
        )
        told += 1
    result = {
        "records": stats.records,
        "candidates": stats.candidates,
        "matches": stats.matches,
        "new": told,
        "withdrawn": withdrawn,
    }
    MatchingState.objects.update_or_create(
        pk=1, defaults={"needs_run": False, "last_run_at": now, "last_stats": result}
    )
    return result


@transaction.atomic
def record_decision(hub: Peer, payload: dict[str, Any]) -> dict[str, Any]:
    """A hub's decision on a match it was told of (`linkage.decision`)."""
    if not transport.is_region():
        raise transport.Refused("Only the region keeps the hubs' decisions on matches")
    decision = payload.get("decision")
    if decision not in (SideDecision.CONFIRMED, SideDecision.REJECTED):
        raise transport.Refused("A decision is confirmed or rejected")
    match = RegionMatch.objects.select_for_update().filter(match_id=str(payload.get("match", ""))).first()
    if match is None:
        raise transport.Refused("Unknown match")
    if hub.pk == match.hub_a_id:
        match.decision_a = str(decision)
    elif hub.pk == match.hub_b_id:
        match.decision_b = str(decision)
    else:
        raise transport.Refused("This match is not one of your hub's")
    match.save(update_fields=["decision_a", "decision_b"])
    record_event(
        None, Action.UPDATE, match, detail={"match": match.match_id, "hub": hub.hub_id, "decision": decision}
    )
    return {}
