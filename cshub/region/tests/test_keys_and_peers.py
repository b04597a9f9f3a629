"""Keys (made once, private, rotated with a grace period), registering peers (checked,
audited), the commands and the status page (docs/region.md)."""

import datetime as dt
import importlib.machinery
import io
import stat
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from cshub.audit.models import Action, AuditEvent
from cshub.region import actions, cli, keys, transport
from cshub.region.models import Message, MessageStatus, Peer, PeerRole


@pytest.fixture
def key_file(settings: Any, tmp_path: Path) -> Path:
    path = tmp_path / "var" / "region" / "ed25519.pem"
    settings.CSHUB_REGION_KEY_FILE = path
    return path


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _pem() -> str:
    return keys.public_pem(Ed25519PrivateKey.generate())


def test_keys_are_made_once_readable_by_the_owner_only(key_file: Path) -> None:
    out = io.StringIO()
    call_command("region", "keys", stdout=out)
    assert _mode(key_file) == 0o600
    assert _mode(key_file.parent) == 0o700
    pem = keys.public_pem(keys.private_key())
    assert pem.strip() in out.getvalue()
    assert keys.fingerprint(pem) in out.getvalue()
    made = key_file.read_bytes()
    with pytest.raises(CommandError, match="never overwritten"):
        call_command("region", "keys", stdout=io.StringIO())
    assert key_file.read_bytes() == made


@pytest.mark.django_db
def test_rotation_keeps_the_old_key_for_the_grace_period_and_tells_every_peer(key_file: Path) -> None:
    old = keys.make_keys()
    bury = Peer.objects.create(hub_id="bury", name="Bury", url="https://bury.example", public_key=_pem())
    Peer.objects.create(
        hub_id="gone", name="Gone", url="https://gone.example", public_key=_pem(), active=False
    )
    out = io.StringIO()
    call_command("region", "rotate-keys", stdout=out)
    new = keys.public_pem(keys.private_key())
    assert new != old
    assert _mode(key_file) == 0o600
    previous = keys.previous_key()
    assert previous is not None
    assert keys.public_pem(previous.key) == old
    assert _mode(keys.previous_file()) == 0o600
    assert previous.until > timezone.now() + dt.timedelta(days=6, hours=23)
    assert keys.previous_key(now=previous.until + dt.timedelta(seconds=1)) is None
    told = Message.objects.get(kind="region.key")
    assert told.peer == bury
    assert told.payload["public_key"] == new
    assert keys.verify(new, told.payload["proof"], actions.key_statement(settings.CSHUB_HUB_ID, new))
    event = AuditEvent.objects.get(detail__region_key="rotated")
    assert event.action == Action.UPDATE
    assert event.detail["fingerprint"] == keys.fingerprint(new)
    assert event.detail["previous"] == keys.fingerprint(old)
    assert event.detail["told"] == ["bury"]
    assert keys.fingerprint(new) in out.getvalue()


def test_rotation_without_a_key_is_refused(key_file: Path) -> None:
    with pytest.raises(CommandError, match="no key yet"):
        call_command("region", "rotate-keys", stdout=io.StringIO())


def _register(tmp_path: Path, pem: str, **options: Any) -> str:
    key = tmp_path / "peer.pem"
    key.write_text(pem)
    args = {
        "hub_id": "bury",
        "name": "Bury",
        "url": "https://cshub.bury.example",
        "districts": "BL9, bl8 ,M45",
    }
    args.update(options)
    out = io.StringIO()
    call_command(
        "region",
        "register",
        f"--hub-id={args['hub_id']}",
        f"--name={args['name']}",
        f"--role={args.get('role', 'hub')}",
        f"--url={args['url']}",
        f"--public-key={key}",
        f"--districts={args['districts']}",
        stdout=out,
    )
    return out.getvalue()


@pytest.mark.django_db
def test_register_creates_then_updates_a_peer_keeping_its_previous_key(tmp_path: Path) -> None:
    first, second = _pem(), _pem()
    assert "Registered bury" in _register(tmp_path, first)
    peer = Peer.objects.get(hub_id="bury")
    assert (peer.url, peer.districts, peer.role) == (
        "https://cshub.bury.example",
        ["BL9", "BL8", "M45"],
        "hub",
    )
    assert peer.previous_key == ""
    created = AuditEvent.objects.get(action=Action.CREATE, object_type="region.peer")
    assert created.detail["peer"] == "bury"
    out = _register(tmp_path, second, name="Bury Council")
    assert "Updated bury" in out
    assert "previous key is accepted until" in out
    peer.refresh_from_db()
    assert (peer.name, peer.public_key, peer.previous_key) == ("Bury Council", second, first)
    assert peer.previous_key_until is not None
    assert peer.previous_key_until > timezone.now() + dt.timedelta(days=6)
    updated = AuditEvent.objects.get(action=Action.UPDATE, object_type="region.peer")
    assert set(updated.detail["fields"]) == {"name", "previous_key_until", "public_key_fingerprint"}


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"hub_id": "Bury Hub"}, "A hub id is 2 to 40 lower-case letters"),
        ({"url": "http://bury.example"}, "Use https: http is only for an instance on this machine"),
        ({"url": "ftp://bury.example"}, "Enter the hub's address"),
        ({"url": "https://bury.example/?x=1"}, "no query, fragment or login"),
        ({"districts": "M8, Bury"}, '"Bury" is not a postcode district'),
        ({"name": " "}, "Enter the hub's name"),
    ],
)
@pytest.mark.django_db
def test_register_refuses_bad_input_with_a_clear_message(
    tmp_path: Path, options: dict[str, str], error: str
) -> None:
    with pytest.raises(CommandError, match=error.replace("?", r"\?")):
        _register(tmp_path, _pem(), **options)
    assert not Peer.objects.exists()


@pytest.mark.django_db
def test_register_refuses_a_key_that_is_not_an_ed25519_public_key(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    with pytest.raises(CommandError, match="not a PEM public key"):
        _register(tmp_path, "hello")
    private = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(CommandError, match="That is a private key"):
        _register(tmp_path, private.decode())
    other = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    with pytest.raises(CommandError, match="not an Ed25519 key"):
        _register(tmp_path, other.decode())
    assert not Peer.objects.exists()


@pytest.mark.django_db
def test_http_on_loopback_is_allowed_and_one_region_only() -> None:
    peer, _ = actions.register_peer(
        hub_id="gm-region",
        name="Region",
        role=PeerRole.REGION,
        url="http://127.0.0.1:8100/",
        public_key=_pem(),
        actor=None,
    )
    assert peer.url == "http://127.0.0.1:8100"
    with pytest.raises(ValidationError, match=r"A region is already registered \(gm-region\)"):
        actions.register_peer(
            hub_id="other-region",
            name="Other",
            role=PeerRole.REGION,
            url="http://localhost:8200",
            public_key=_pem(),
            actor=None,
        )


@pytest.mark.django_db
def test_a_region_key_message_with_a_bad_proof_is_refused() -> None:
    peer = Peer.objects.create(hub_id="bury", name="Bury", url="https://bury.example", public_key=_pem())
    other = Ed25519PrivateKey.generate()
    new = _pem()
    bad_proof = keys.sign(other, actions.key_statement("bury", new))
    with pytest.raises(transport.Refused, match="proof does not verify"):
        transport.dispatch(peer, "region.key", {"public_key": new, "proof": bad_proof})
    with pytest.raises(transport.Refused, match="needs public_key"):
        transport.dispatch(peer, "region.key", {"public_key": new})
    peer.refresh_from_db()
    assert peer.previous_key == ""


@pytest.mark.django_db
def test_status_lists_every_peer_with_its_link(key_file: Path) -> None:
    keys.make_keys()
    bury = Peer.objects.create(hub_id="bury", name="Bury", url="https://bury.example", public_key=_pem())
    transport.enqueue(bury, "test.echo", {"n": 1}, actor=None)
    failed = transport.enqueue(bury, "test.echo", {"n": 2}, actor=None)
    Message.objects.filter(pk=failed.pk).update(status=MessageStatus.FAILED)
    out = io.StringIO()
    call_command("region", "status", stdout=out)
    text = out.getvalue()
    assert "bury: Bury, hub" in text
    assert keys.fingerprint(bury.public_key) in text
    assert "waiting 1, failed 1, refused by them 0, refused by us 0" in text
    assert "last received never" in text


@pytest.mark.django_db
def test_run_once_delivers_then_runs_the_other_parts_ticks(key_file: Path, monkeypatch: Any) -> None:
    ticked: list[str] = []
    module = types.ModuleType("cshub_region_test_schedule")
    module.__spec__ = importlib.machinery.ModuleSpec("cshub_region_test_schedule", None)
    module.tick = lambda: ticked.append("tick")  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cshub_region_test_schedule", module)
    monkeypatch.setattr(cli, "TICKS", ("cshub_region_test_schedule", "cshub.region.no_such_schedule"))
    out = io.StringIO()
    call_command("region", "run", "--once", stdout=out)
    assert "Nothing due to send." in out.getvalue()
    assert ticked == ["tick"]


def test_the_ticks_of_the_other_parts_are_the_agreed_modules() -> None:
    assert cli.TICKS == ("cshub.linkage.schedule", "cshub.regional.schedule")


@pytest.mark.django_db
def test_the_status_page_shows_peers_and_messages_but_no_payload(client_for: Any) -> None:
    bury = Peer.objects.create(hub_id="bury", name="Bury", url="https://bury.example", public_key=_pem())
    message = transport.enqueue(bury, "sharing.reply", {"summary": "PAYLOAD-MARKER"}, actor=None)
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.REFUSED, error="No such request")
    for role in ("sysadmin", "team_manager"):
        response = client_for(role).get("/region/")
        assert response.status_code == 200
        page = response.content.decode()
        assert "Bury" in page
        assert keys.fingerprint(bury.public_key) in page
        assert "sharing.reply" in page
        assert "No such request" in page
        assert "PAYLOAD-MARKER" not in page
    assert client_for("practitioner").get("/region/").status_code == 403
    assert "No messages received yet." in client_for("sysadmin").get("/region/?direction=in").content.decode()


@pytest.mark.django_db
def test_after_a_rotation_only_peers_not_yet_told_get_the_old_key(key_file: Path) -> None:
    old = keys.make_keys()
    bury = Peer.objects.create(hub_id="bury", name="Bury", url="https://bury.example", public_key=_pem())
    actions.rotate_keys(actor=None)
    new = keys.public_pem(keys.private_key())
    # Registered after the rotation, with the new key: signing with the old one would be refused.
    salford = Peer.objects.create(
        hub_id="salford", name="Salford", url="https://salford.example", public_key=new
    )
    assert keys.public_pem(transport.signing_key(bury)) == old
    assert keys.public_pem(transport.signing_key(salford)) == new
    Message.objects.filter(peer=bury, kind="region.key").update(status=MessageStatus.ACCEPTED)
    assert keys.public_pem(transport.signing_key(bury)) == new
