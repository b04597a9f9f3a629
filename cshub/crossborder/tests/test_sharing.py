"""Deciding matches and sharing between hubs: the actions and the handlers (no HTTP; the
handlers run through `transport.dispatch`, as the inbox runs them)."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from cshub.audit.models import Action, AuditEvent
from cshub.casework import actions as casework
from cshub.conftest import make_child, make_referral
from cshub.crossborder import actions
from cshub.crossborder.models import InfoRequest, MatchStatus, RequestDirection, RequestStatus, SummaryRead
from cshub.crossborder.testing import PURPOSE, make_match, other_hub, receive_request, request_payload
from cshub.referrals import actions as referrals
from cshub.region.models import Direction, Message, PeerRole
from cshub.region.transport import Refused, dispatch

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub(personas: dict[str, Any]) -> dict[str, Any]:
    """A child open to the hub with an allocated worker (lighter than the suite's `hub`)."""
    manager, worker = personas["team_manager"], personas["practitioner"]
    child = make_child(worker)
    referral = make_referral(child, worker)
    referrals.decide_referral(referral, "OPEN", "Meets threshold.", actor=manager)
    casework.open_episode(referral, actor=manager, allocated_worker=worker)
    return {"child": child, "manager": manager, "worker": worker}


def outbox(kind: str) -> list[Message]:
    return list(Message.objects.filter(direction=Direction.OUT, kind=kind))


def test_a_manager_confirms_a_match_and_the_region_is_told(hub: dict[str, Any]) -> None:
    region = other_hub("gm-region", "Greater Manchester region", PeerRole.REGION)
    match = make_match(hub["child"])
    actions.decide_match(match, True, "Same date of birth and school; Bury agreed.", actor=hub["manager"])
    match.refresh_from_db()
    assert (match.status, match.decided_by, match.decision_note) == (
        MatchStatus.CONFIRMED,
        hub["manager"],
        "Same date of birth and school; Bury agreed.",
    )
    [told] = outbox("linkage.decision")
    assert (told.peer, told.payload) == (region, {"match": match.region_match_id, "decision": "confirmed"})
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, child_id=hub["child"].pk, object_type="crossborder.crossbordermatch"
    ).exists()
    with pytest.raises(ValidationError, match="already been decided"):
        actions.decide_match(match, False, "Changed my mind.", actor=hub["manager"])


def test_a_match_is_not_decided_without_a_note(hub: dict[str, Any]) -> None:
    match = make_match(hub["child"])
    with pytest.raises(ValidationError, match="Enter a note"):
        actions.decide_match(match, False, "  ", actor=hub["manager"])
    match.refresh_from_db()
    assert match.status == MatchStatus.PENDING


def test_a_request_goes_direct_to_the_other_hub_with_its_purpose_and_basis(hub: dict[str, Any]) -> None:
    other_hub("gm-region", "Greater Manchester region", PeerRole.REGION)
    bury = other_hub()
    match = make_match(hub["child"], bury, confirmed_by=hub["manager"])
    sent = actions.request_information(match, PURPOSE, "cda1998_s115", actor=hub["manager"])
    [message] = outbox("sharing.request")
    assert message.peer == bury  # the other hub, never the region
    assert message.payload == {
        "request": str(sent.id),
        "match": match.region_match_id,
        "ref": match.their_ref,
        "purpose": PURPOSE,
        "lawful_basis": "cda1998_s115",
        "requested_at": sent.requested_at.isoformat(),
        "requested_by": {
            "name": "Team Manager Persona",
            "role": "Team manager",
            "agency": "Children's social care",
        },
    }
    assert (sent.direction, sent.status, sent.requested_by) == (
        RequestDirection.SENT,
        RequestStatus.REQUESTED,
        hub["manager"],
    )
    assert AuditEvent.objects.filter(
        action=Action.CREATE, child_id=hub["child"].pk, object_type="crossborder.inforequest"
    ).exists()


@pytest.mark.parametrize(
    ("purpose", "basis", "error"),
    [
        ("", "ca1989_s47", "Enter the purpose of the request"),
        ("To know more", "ca1989_s47", "at least 20 characters"),
        (PURPOSE, "", "Select the lawful basis"),
        (PURPOSE, "because", "Select the lawful basis"),
    ],
)
def test_a_request_without_purpose_or_basis_is_refused_and_nothing_sent(
    hub: dict[str, Any], purpose: str, basis: str, error: str
) -> None:
    match = make_match(hub["child"], confirmed_by=hub["manager"])
    with pytest.raises(ValidationError, match=error):
        actions.request_information(match, purpose, basis, actor=hub["manager"])
    assert not InfoRequest.objects.exists()
    assert outbox("sharing.request") == []


def test_information_is_requested_only_on_a_confirmed_match(hub: dict[str, Any]) -> None:
    match = make_match(hub["child"])
    with pytest.raises(ValidationError, match="Confirm the match"):
        actions.request_information(match, PURPOSE, "ca1989_s47", actor=hub["manager"])
    assert outbox("sharing.request") == []


def test_a_request_received_is_stored_and_audited(hub: dict[str, Any]) -> None:
    match = make_match(hub["child"])
    reply = dispatch(match.their_hub, "sharing.request", request_payload(match))
    assert reply == {"received": True}
    received = InfoRequest.objects.get()
    assert (received.direction, received.match, received.purpose, received.requested_by_name) == (
        RequestDirection.RECEIVED,
        match,
        PURPOSE,
        "Dana Okafor",
    )
    event = AuditEvent.objects.get(action=Action.IMPORT, object_type="crossborder.inforequest")
    assert (event.child_id, event.detail["hub"]) == (hub["child"].pk, "bury")


def test_a_request_received_keeps_the_time_it_was_asked(hub: dict[str, Any]) -> None:
    """Both hubs show one time for a request: when it was asked, not when it arrived."""
    match = make_match(hub["child"])
    asked = "2026-11-30T09:15:00+00:00"
    dispatch(match.their_hub, "sharing.request", request_payload(match, requested_at=asked))
    assert InfoRequest.objects.get().requested_at.isoformat() == asked


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"purpose": ""}, "purpose"),
        ({"purpose": "Safeguarding"}, "purpose"),
        ({"lawful_basis": ""}, "lawful basis"),
        ({"lawful_basis": "we would like to"}, "lawful basis"),
        ({"ref": "f" * 32}, "Unknown ref"),
        ({"match": "not-a-match"}, "Unknown match"),
        ({"request": "not-a-uuid"}, "Not a request id"),
        ({"requested_by": "someone"}, "who asked"),
        ({"purpose": 7}, "purpose"),
        ({"requested_at": "yesterday"}, "requested_at"),
        ({"requested_at": "2026-11-30T10:00:00"}, "requested_at"),  # no time zone
        ({"requested_at": "2026-02-30T10:00:00+00:00"}, "requested_at"),  # no such day
        ({"requested_at": "2999-01-01T10:00:00+00:00"}, "in the future"),
    ],
)
def test_a_bad_request_is_refused_with_nothing_stored(
    hub: dict[str, Any], changes: dict[str, Any], reason: str
) -> None:
    match = make_match(hub["child"])
    with pytest.raises(Refused, match=reason):
        dispatch(match.their_hub, "sharing.request", request_payload(match, **changes))
    assert not InfoRequest.objects.exists()
    assert not AuditEvent.objects.filter(object_type="crossborder.inforequest").exists()


def test_a_request_naming_a_match_held_with_another_hub_is_refused(hub: dict[str, Any]) -> None:
    match = make_match(hub["child"], other_hub("bury"))
    with pytest.raises(Refused, match="Unknown match"):
        dispatch(other_hub("salford", "Salford hub"), "sharing.request", request_payload(match))
    assert not InfoRequest.objects.exists()


def test_a_rejected_match_takes_no_requests(hub: dict[str, Any]) -> None:
    match = make_match(hub["child"])
    actions.decide_match(match, False, "Different date of birth.", actor=hub["manager"])
    with pytest.raises(Refused, match="rejected"):
        dispatch(match.their_hub, "sharing.request", request_payload(match))
    assert not InfoRequest.objects.exists()


def test_approving_sends_exactly_one_reply_with_only_the_ticked_fields(hub: dict[str, Any]) -> None:
    match = make_match(hub["child"])
    received = receive_request(match)
    actions.decide_request(
        received, True, "", ["name", "risk_level", "allocated_worker", "open_episode"], actor=hub["manager"]
    )
    [reply] = outbox("sharing.reply")
    assert reply.peer == match.their_hub
    assert reply.payload["decision"] == "approved"
    assert reply.payload["request"] == str(received.id)
    assert reply.payload["summary"] == {
        "name": "Kofi Ashcombe",
        "risk_level": "Not assessed",
        "open_episode": "Yes",
        "allocated_worker": "Practitioner Persona",
    }
    assert "date_of_birth" not in str(reply.payload)
    received.refresh_from_db()
    assert (received.status, received.decided_by, received.summary) == (
        RequestStatus.APPROVED,
        hub["manager"],
        reply.payload["summary"],
    )
    event = AuditEvent.objects.get(action=Action.EXPORT, object_type="crossborder.inforequest")
    assert (event.child_id, event.detail["fields"]) == (
        hub["child"].pk,
        ["allocated_worker", "name", "open_episode", "risk_level"],
    )
    with pytest.raises(ValidationError, match="already been decided"):
        actions.decide_request(received, True, "", ["name"], actor=hub["manager"])
    assert len(outbox("sharing.reply")) == 1


@pytest.mark.parametrize(
    ("approve", "reason", "fields", "error"),
    [
        (False, "", [], "reason for declining"),
        (True, "", [], "at least one thing"),
        (True, "", ["name", "police_intelligence"], "only the things offered"),
    ],
)
def test_a_bad_decision_sends_nothing(
    hub: dict[str, Any], approve: bool, reason: str, fields: list[str], error: str
) -> None:
    received = receive_request(make_match(hub["child"]))
    with pytest.raises(ValidationError, match=error):
        actions.decide_request(received, approve, reason, fields, actor=hub["manager"])
    received.refresh_from_db()
    assert (received.status, received.summary) == (RequestStatus.REQUESTED, None)
    assert outbox("sharing.reply") == []


def test_declining_sends_the_reason_and_no_summary(hub: dict[str, Any]) -> None:
    received = receive_request(make_match(hub["child"]))
    actions.decide_request(
        received, False, "The match is not confirmed here yet.", ["name"], actor=hub["manager"]
    )
    [reply] = outbox("sharing.reply")
    assert reply.payload["decision"] == "declined"
    assert reply.payload["reason"] == "The match is not confirmed here yet."
    assert "summary" not in reply.payload


def test_an_adult_of_concern_offers_only_name_and_date_of_birth(personas: dict[str, Any]) -> None:
    from cshub.intelligence import actions as intelligence

    worker, manager = personas["practitioner"], personas["team_manager"]
    adult = make_child(worker, "Dean", "Holloway", person_type="ADULT")
    subject = intelligence.create_subject(
        intelligence.SubjectDetails(kind="ADULT", person_id=adult.pk), actor=worker
    )
    received = receive_request(make_match(subject))
    with pytest.raises(ValidationError, match="only the things offered"):
        actions.decide_request(received, True, "", ["name", "risk_level"], actor=manager)
    actions.decide_request(received, True, "", ["name"], actor=manager)
    [reply] = outbox("sharing.reply")
    assert reply.payload["summary"] == {"name": "Dean Holloway"}


def _sent(hub: dict[str, Any]) -> InfoRequest:
    match = make_match(hub["child"], confirmed_by=hub["manager"])
    return actions.request_information(match, PURPOSE, "ca1989_s47", actor=hub["manager"])


def reply_payload(request: InfoRequest, /, **changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "request": str(request.id),
        "decision": "approved",
        "reason": "",
        "decided_by": {"name": "Sam Ure", "role": "Team manager"},
        "summary": {"name": "Kofi Ashcombe", "last_missing": "3 November 2026"},
    }
    payload.update(changes)
    return payload


def test_a_reply_is_stored_and_audited(hub: dict[str, Any]) -> None:
    sent = _sent(hub)
    assert dispatch(sent.match.their_hub, "sharing.reply", reply_payload(sent)) == {}
    sent.refresh_from_db()
    assert (sent.status, sent.decided_by_name, sent.summary) == (
        RequestStatus.APPROVED,
        "Sam Ure",
        {"name": "Kofi Ashcombe", "last_missing": "3 November 2026"},
    )
    event = AuditEvent.objects.get(action=Action.IMPORT, object_type="crossborder.inforequest")
    assert (event.child_id, event.detail["fields"]) == (hub["child"].pk, ["last_missing", "name"])


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"request": "0b5e2c64-2f6c-4d5e-9a43-6d1d9c1f0a11"}, "Unknown request"),
        ({"decision": "maybe"}, "approved or declined"),
        ({"summary": None}, "agreed summary"),
        ({"summary": {"name": "Kofi", "case_notes": "everything"}}, "Not a field"),
        ({"summary": {"name": ["Kofi"]}}, "Not a value"),
        ({"decision": "declined"}, "carries no summary"),
        ({"decided_by": None}, "who decided"),
    ],
)
def test_a_bad_reply_is_refused_with_nothing_applied(
    hub: dict[str, Any], changes: dict[str, Any], reason: str
) -> None:
    sent = _sent(hub)
    with pytest.raises(Refused, match=reason):
        dispatch(sent.match.their_hub, "sharing.reply", reply_payload(sent, **changes))
    sent.refresh_from_db()
    assert (sent.status, sent.summary) == (RequestStatus.REQUESTED, None)
    assert not AuditEvent.objects.filter(action=Action.IMPORT, object_type="crossborder.inforequest").exists()


def test_a_reply_from_a_hub_not_asked_is_refused(hub: dict[str, Any]) -> None:
    sent = _sent(hub)
    with pytest.raises(Refused, match="Unknown request"):
        dispatch(other_hub("salford", "Salford hub"), "sharing.reply", reply_payload(sent))
    dispatch(sent.match.their_hub, "sharing.reply", reply_payload(sent))
    with pytest.raises(Refused, match="answered already"):
        dispatch(sent.match.their_hub, "sharing.reply", reply_payload(sent, summary={"name": "Someone else"}))
    sent.refresh_from_db()
    assert sent.summary == {"name": "Kofi Ashcombe", "last_missing": "3 November 2026"}


def test_reading_a_received_summary_is_logged(hub: dict[str, Any]) -> None:
    sent = _sent(hub)
    dispatch(sent.match.their_hub, "sharing.reply", reply_payload(sent))
    actions.read_summary(sent, actor=hub["worker"])
    assert [(r.reader, r.request) for r in SummaryRead.objects.all()] == [(hub["worker"], sent)]
    assert AuditEvent.objects.filter(
        action=Action.VIEW,
        actor=hub["worker"],
        child_id=hub["child"].pk,
        object_type="crossborder.inforequest",
    ).exists()


def test_a_summary_received_reads_in_the_agreed_order_whatever_order_it_was_stored_in() -> None:
    from cshub.crossborder.summary import in_order

    stored = {"risk_level": "High", "zz_new": "x", "date_of_birth": "3 May 2011", "name": "Jon Ellery"}
    assert in_order(stored) == [
        ("Name", "Jon Ellery"),
        ("Date of birth", "3 May 2011"),
        ("Current risk level", "High"),
        ("zz_new", "x"),
    ]
