"""The inbox: a signed message is applied once, in one transaction with its inbox row, its
nonce and its audit event; anything else is refused with a status and a reason, logged, and
nothing of it applied (docs/region.md)."""

import datetime as dt
import json
import logging
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client
from django.utils import timezone

from cshub.audit.models import Action, AuditEvent
from cshub.region import keys
from cshub.region.models import Direction, Message, MessageStatus, SeenNonce
from cshub.region.tests.helpers import INBOX, applied, body, make_peer, post, signed_headers

pytestmark = pytest.mark.django_db


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="cshub.region")
    return caplog


def _nothing_applied() -> None:
    assert applied() == []
    assert not Message.objects.filter(direction=Direction.IN).exists()
    assert not SeenNonce.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.IMPORT).exists()


def test_a_signed_message_is_applied_with_its_inbox_row_nonce_and_audit(logs: Any) -> None:
    peer, key = make_peer()
    data = body(7)
    headers = signed_headers(key, data)
    response = post(data, headers)
    assert response.status_code == 200, response.content
    assert response.json() == {"ok": True, "reply": {"echo": 7}}
    assert applied() == [7]
    received = Message.objects.get(direction=Direction.IN)
    sent_id = json.loads(data)["id"]
    assert (received.peer, received.kind, received.status) == (peer, "test.echo", MessageStatus.ACCEPTED)
    assert str(received.remote_id) == sent_id
    assert received.reply == {"echo": 7}
    assert SeenNonce.objects.get().nonce == headers["X-CSHub-Nonce"]
    event = AuditEvent.objects.get(action=Action.IMPORT)
    assert event.detail == {"message": sent_id, "kind": "test.echo", "from": "bury", "status": "accepted"}
    assert event.via == "region"
    assert "accepted" in logs.text


def _tamper_body(key: Ed25519PrivateKey) -> tuple[bytes, dict[str, str]]:
    data = body(1)
    return data.replace(b'"n": 1', b'"n": 2'), signed_headers(key, data)


def _tamper_path(key: Ed25519PrivateKey) -> tuple[bytes, dict[str, str]]:
    data = body(1)
    return data, signed_headers(key, data, path="/region/other/")


def _tamper_timestamp(key: Ed25519PrivateKey) -> tuple[bytes, dict[str, str]]:
    data = body(1)
    headers = signed_headers(key, data)
    headers["X-CSHub-Timestamp"] = signed_headers(key, data, now=timezone.now() + dt.timedelta(seconds=30))[
        "X-CSHub-Timestamp"
    ]
    return data, headers


def _tamper_nonce(key: Ed25519PrivateKey) -> tuple[bytes, dict[str, str]]:
    data = body(1)
    headers = signed_headers(key, data)
    headers["X-CSHub-Nonce"] = "0" * 32
    return data, headers


def _other_key(key: Ed25519PrivateKey) -> tuple[bytes, dict[str, str]]:
    data = body(1)
    return data, signed_headers(Ed25519PrivateKey.generate(), data)


@pytest.mark.parametrize("tamper", [_tamper_body, _tamper_path, _tamper_timestamp, _tamper_nonce, _other_key])
def test_a_tampered_message_is_refused_logged_and_nothing_applied(tamper: Any, logs: Any) -> None:
    _, key = make_peer()
    data, headers = tamper(key)
    response = post(data, headers)
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error": "Bad signature"}
    _nothing_applied()
    assert "refused a message from bury (401): Bad signature" in logs.text


def test_a_replayed_message_is_refused_and_logged(logs: Any) -> None:
    _, key = make_peer()
    data = body(3)
    headers = signed_headers(key, data)
    assert post(data, headers).status_code == 200
    again = post(data, headers)
    assert again.status_code == 409
    assert again.json()["error"] == "Replay: this nonce has been used already"
    assert applied() == [3]
    assert Message.objects.filter(direction=Direction.IN).count() == 1
    assert AuditEvent.objects.filter(action=Action.IMPORT).count() == 1
    assert "(409): Replay" in logs.text


def test_a_message_sent_again_with_a_new_nonce_is_answered_as_before_and_applied_once() -> None:
    _, key = make_peer()
    data = body(4)
    first = post(data, signed_headers(key, data))
    second = post(data, signed_headers(key, data))
    assert first.status_code == second.status_code == 200
    assert second.json() == first.json() == {"ok": True, "reply": {"echo": 4}}
    assert applied() == [4]
    assert Message.objects.filter(direction=Direction.IN).count() == 1


def test_unknown_and_inactive_hubs_are_refused(logs: Any) -> None:
    _, key = make_peer(active=False)
    data = body(1)
    response = post(data, signed_headers(key, data))
    assert (response.status_code, response.json()["error"]) == (401, "Hub bury is not active here")
    data = body(1, sender="salford")
    response = post(data, signed_headers(key, data, sender="salford"))
    assert (response.status_code, response.json()["error"]) == (401, "Unknown hub: salford")
    _nothing_applied()
    assert "refused a message from salford (401): Unknown hub" in logs.text


def test_the_previous_key_is_accepted_until_it_expires() -> None:
    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    peer, _ = make_peer(
        key=new, previous_key=keys.public_pem(old), previous_key_until=timezone.now() + dt.timedelta(days=1)
    )
    data = body(1)
    response = post(data, signed_headers(old, data))
    assert response.status_code == 200
    assert AuditEvent.objects.get(action=Action.IMPORT).detail["previous_key"] is True
    peer.previous_key_until = timezone.now() - dt.timedelta(minutes=1)
    peer.save()
    data = body(2)
    response = post(data, signed_headers(old, data))
    assert response.status_code == 401
    assert response.json()["error"] == "Signed with a key that has expired: register the hub's new key"
    assert applied() == [1]


@pytest.mark.parametrize("minutes", [-6, 6])
def test_a_timestamp_more_than_five_minutes_away_is_refused(minutes: int) -> None:
    _, key = make_peer()
    data = body(1)
    response = post(data, signed_headers(key, data, now=timezone.now() + dt.timedelta(minutes=minutes)))
    assert response.status_code == 401
    assert "more than 5 minutes" in response.json()["error"]
    _nothing_applied()


def test_a_timestamp_within_the_skew_is_accepted() -> None:
    _, key = make_peer()
    data = body(1)
    response = post(data, signed_headers(key, data, now=timezone.now() - dt.timedelta(minutes=4)))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"to": "salford"}, "The message is not for this instance"),
        ({"kind": "no.such"}, "Unknown kind of message: no.such"),
        ({"from": "salford"}, "The message's from is not the hub that signed it"),
        ({"id": "not-a-uuid"}, "The message has no id (a UUID)"),
        ({"payload": [1]}, "The payload is not a JSON object"),
    ],
)
def test_a_bad_message_is_refused_with_400(change: dict[str, Any], error: str) -> None:
    _, key = make_peer()
    message = {**json.loads(body(1)), **change}
    data = json.dumps(message).encode()
    response = post(data, signed_headers(key, data))
    assert response.status_code == 400
    assert response.json()["error"].startswith(error)
    _nothing_applied()


def test_missing_headers_are_refused() -> None:
    make_peer()
    response = post(body(1), {"X-CSHub-From": "bury"})
    assert response.status_code == 400
    assert response.json()["error"].startswith("Missing header: X-CSHub-Timestamp")


def test_a_payload_the_handler_refuses_keeps_the_refused_row_and_rolls_the_handler_back(logs: Any) -> None:
    _, key = make_peer()
    data = body(5, refuse=True)
    response = post(data, signed_headers(key, data))
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error": "Refused by the test handler"}
    assert applied() == []  # the handler's write was rolled back
    received = Message.objects.get(direction=Direction.IN)
    assert (received.status, received.error) == (MessageStatus.REFUSED, "Refused by the test handler")
    event = AuditEvent.objects.get(action=Action.IMPORT)
    assert event.detail["status"] == "refused"
    assert event.detail["reason"] == "Refused by the test handler"
    assert "(400): Refused by the test handler" in logs.text


def test_the_inbox_takes_only_post() -> None:
    assert Client().get(INBOX).status_code == 405


def test_old_nonces_are_forgotten() -> None:
    peer, key = make_peer()
    SeenNonce.objects.create(peer=peer, nonce="a" * 32, seen_at=timezone.now() - dt.timedelta(minutes=11))
    SeenNonce.objects.create(peer=peer, nonce="b" * 32, seen_at=timezone.now() - dt.timedelta(minutes=9))
    data = body(1)
    assert post(data, signed_headers(key, data)).status_code == 200
    remembered = set(SeenNonce.objects.values_list("nonce", flat=True))
    assert "a" * 32 not in remembered
    assert "b" * 32 in remembered
    assert len(remembered) == 2
