"""Sending the outbox: accepted, refused (not tried again) or failed (tried again with
back-off), and never sent twice by two deliverers at once (docs/region.md)."""

import datetime as dt
import http.server
import json
import logging
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from threading import Barrier
from typing import Any

import pytest
from django.conf import settings
from django.db import connections
from django.utils import timezone

from cshub.region import keys, transport
from cshub.region.models import Direction, Message, MessageStatus, Peer, SeenNonce
from cshub.region.tests.helpers import applied


@pytest.fixture
def own_key(settings: Any, tmp_path: Path) -> str:
    settings.CSHUB_REGION_KEY_FILE = tmp_path / "region" / "ed25519.pem"
    return keys.make_keys()


def _itself(url: str, pem: str) -> Peer:
    """This instance registered as its own peer (one process: the live server receives)."""
    return Peer.objects.create(hub_id=settings.CSHUB_HUB_ID, name="This hub", url=url, public_key=pem)


class _Answer(http.server.BaseHTTPRequestHandler):
    status = 503
    answer = b'{"ok": false, "error": "busy"}'
    seen: list[str] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        type(self).seen.append(self.path)
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(self.answer)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def answering() -> Iterator[Any]:
    """A loopback server answering every POST with a fixed status; a factory of its URL."""
    servers: list[http.server.HTTPServer] = []

    def start(status: int, answer: bytes = b'{"ok": false, "error": "busy"}') -> str:
        handler = type("Handler", (_Answer,), {"status": status, "answer": answer, "seen": []})
        server = http.server.HTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_backoff_doubles_up_to_a_cap() -> None:
    assert [transport.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert transport.backoff(8) == transport.BACKOFF_CAP
    assert transport.backoff(100) == transport.BACKOFF_CAP


@pytest.mark.django_db
def test_an_unreachable_peer_fails_and_is_tried_again_with_back_off(
    own_key: str, answering: Any, caplog: Any
) -> None:
    url = answering(200)  # a port that answers, then a closed one
    peer = Peer.objects.create(hub_id="bury", name="Bury", url="http://127.0.0.1:9", public_key=own_key)
    message = transport.enqueue(peer, "test.echo", {"n": 1}, actor=None)
    before = timezone.now()
    assert transport.deliver_due() == {MessageStatus.FAILED: 1}
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 1)
    assert message.error.startswith("Could not reach bury")
    assert message.next_attempt_at >= before + dt.timedelta(seconds=30)
    assert transport.deliver_due() == {}  # not due yet
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    second = timezone.now()
    assert transport.deliver_due() == {MessageStatus.FAILED: 1}
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.next_attempt_at >= second + dt.timedelta(seconds=60)
    assert "failed" in caplog.text
    Peer.objects.filter(pk=peer.pk).update(url=url)
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    transport.deliver_due()
    message.refresh_from_db()
    # It answered 200 without {"ok": true}: not taken as accepted.
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 3)


@pytest.mark.django_db
def test_a_5xx_fails_and_a_4xx_is_refused_for_good(own_key: str, answering: Any) -> None:
    busy = Peer.objects.create(hub_id="bury", name="Bury", url=answering(503), public_key=own_key)
    refusing = Peer.objects.create(
        hub_id="salford",
        name="Salford",
        url=answering(400, b'{"ok": false, "error": "No such match"}'),
        public_key=own_key,
    )
    failed = transport.enqueue(busy, "test.echo", {"n": 1}, actor=None)
    refused = transport.enqueue(refusing, "test.echo", {"n": 2}, actor=None)
    assert transport.deliver_due() == {MessageStatus.FAILED: 1, MessageStatus.REFUSED: 1}
    failed.refresh_from_db()
    refused.refresh_from_db()
    assert failed.status == MessageStatus.FAILED
    assert failed.error == "bury answered 503: busy"
    assert (refused.status, refused.error) == (MessageStatus.REFUSED, "Refused (400): No such match")
    assert refused.done_at is not None
    Message.objects.update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    assert transport.deliver_due() == {MessageStatus.FAILED: 1}  # the refused one is not sent again


@pytest.mark.django_db
def test_without_a_key_nothing_is_sent_and_it_waits(settings: Any, tmp_path: Path, answering: Any) -> None:
    settings.CSHUB_REGION_KEY_FILE = tmp_path / "none.pem"
    url = answering(200, b'{"ok": true, "reply": {}}')
    peer = Peer.objects.create(hub_id="bury", name="Bury", url=url, public_key=keys.public_pem(_any_key()))
    message = transport.enqueue(peer, "test.echo", {"n": 1}, actor=None)
    assert transport.deliver_due() == {MessageStatus.FAILED: 1}
    message.refresh_from_db()
    assert message.error == "This instance has no key yet: run `cshub region keys`"


def _any_key() -> Any:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.generate()


@pytest.mark.usefixtures("live_db")
def test_accepted_and_refused_rows_on_both_sides(live_server: Any, own_key: str, caplog: Any) -> None:
    caplog.set_level(logging.INFO, logger="cshub.region")
    itself = _itself(live_server.url, own_key)
    good = transport.enqueue(itself, "test.echo", {"n": 1}, actor=None)
    bad = transport.enqueue(itself, "test.echo", {"n": 2, "refuse": True}, actor=None)
    assert transport.deliver_due() == {MessageStatus.ACCEPTED: 1, MessageStatus.REFUSED: 1}
    good.refresh_from_db()
    bad.refresh_from_db()
    assert (good.status, good.reply, good.attempts) == (MessageStatus.ACCEPTED, {"echo": 1}, 1)
    assert (bad.status, bad.error) == (MessageStatus.REFUSED, "Refused (400): Refused by the test handler")
    received = {m.remote_id: m for m in Message.objects.filter(direction=Direction.IN)}
    assert received[good.id].status == MessageStatus.ACCEPTED
    assert (received[bad.id].status, received[bad.id].error) == (
        MessageStatus.REFUSED,
        "Refused by the test handler",
    )
    assert applied() == [1]
    # Logged on both sides: the sender's line and the inbox's.
    assert f"accepted {good.id} test.echo by {itself.hub_id}" in caplog.text
    assert f"refused {bad.id} test.echo by {itself.hub_id} (400)" in caplog.text
    assert f"refused a message from {itself.hub_id} (400): Refused by the test handler" in caplog.text


@pytest.mark.usefixtures("live_db")
def test_two_deliverers_at_once_send_each_message_once(live_server: Any, own_key: str) -> None:
    itself = _itself(live_server.url, own_key)
    sent = [transport.enqueue(itself, "test.echo", {"n": n}, actor=None) for n in range(12)]
    barrier = Barrier(2)

    def deliverer() -> dict[str, int]:
        try:
            barrier.wait(timeout=30)
            return dict(transport.deliver_due())
        finally:
            connections.close_all()

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: deliverer(), range(2)))
    assert sum(r.get(MessageStatus.ACCEPTED, 0) for r in results) == 12
    assert not any(set(r) - {MessageStatus.ACCEPTED} for r in results)
    for message in sent:
        message.refresh_from_db()
        assert (message.status, message.attempts) == (MessageStatus.ACCEPTED, 1)
    # Each message reached the inbox once: one nonce each, one inbox row each, applied once.
    assert SeenNonce.objects.count() == 12
    assert Message.objects.filter(direction=Direction.IN).count() == 12
    assert sorted(applied()) == list(range(12))


@pytest.mark.usefixtures("live_db")
def test_a_rotated_key_is_told_to_peers_and_used_once_they_accept_it(live_server: Any, own_key: str) -> None:
    from cshub.region import actions

    itself = _itself(live_server.url, own_key)  # knows this instance by its key before rotation
    new_pem, told = actions.rotate_keys(actor=None)
    assert told == [itself]
    assert transport.signing_key(itself) is not None
    assert keys.public_pem(transport.signing_key(itself)) == own_key  # not told yet: the old key
    assert transport.deliver_due() == {MessageStatus.ACCEPTED: 1}  # region.key, signed with the old key
    itself.refresh_from_db()
    assert itself.public_key == new_pem
    assert itself.previous_key == own_key
    assert itself.previous_key_until is not None
    assert itself.previous_key_until > timezone.now() + dt.timedelta(days=6)
    assert keys.public_pem(transport.signing_key(itself)) == new_pem  # told: the new key
    transport.enqueue(itself, "test.echo", {"n": 9}, actor=None)
    assert transport.deliver_due() == {MessageStatus.ACCEPTED: 1}
    received = Message.objects.filter(direction=Direction.IN, kind="test.echo").get()
    assert received.status == MessageStatus.ACCEPTED
    reply = json.dumps(Message.objects.get(direction=Direction.OUT, kind="region.key").reply)
    assert reply == '{"changed": true}'


@pytest.mark.usefixtures("live_db")
def test_one_signed_request_sent_twice_at_once_is_applied_once(live_server: Any) -> None:
    import urllib.error
    import urllib.request

    from cshub.region.tests.helpers import body, make_peer, signed_headers

    _, key = make_peer()
    data = body(1)
    headers = {**signed_headers(key, data), "Content-Type": "application/json"}
    barrier = Barrier(2)

    def send() -> int:
        url = live_server.url + "/region/inbox/"
        request = urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310 - the live server
        barrier.wait(timeout=30)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - http to the live server
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)

    with ThreadPoolExecutor(2) as pool:
        statuses = sorted(pool.map(lambda _: send(), range(2)))
    assert statuses == [200, 409]
    assert applied() == [1]
    assert Message.objects.filter(direction=Direction.IN).count() == 1
