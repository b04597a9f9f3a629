import time

from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from cshub.access.actions import create_user
from cshub.access.middleware import SESSION_LAST_SEEN
from cshub.access.testing import sign_in_verified
from cshub.audit.models import Action, AuditEvent

PASSWORD = "a-long-test-password-1"


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_first_sign_in_sets_up_the_second_factor(personas):
    client = Client()
    response = client.post("/sign-in/", {"username": "practitioner.user", "password": PASSWORD})
    assert response["Location"] == "/sign-in/set-up-code/"
    assert client.get("/").status_code == 302  # not signed in yet
    page = client.get("/sign-in/set-up-code/")
    assert b"<svg" in page.content
    device = TOTPDevice.objects.get(user=personas["practitioner"], confirmed=False)
    assert (
        b"not right"
        in client.post(
            "/sign-in/set-up-code/", {"code": "000000" if _code(device) != "000000" else "111111"}
        ).content
    )
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # a wrong code slows the next attempt
    device.throttle_reset()
    response = client.post("/sign-in/set-up-code/", {"code": _code(device)})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action=Action.SIGN_IN, actor=personas["practitioner"]).exists()


def test_later_sign_ins_ask_for_the_code(personas):
    device = TOTPDevice.objects.create(user=personas["practitioner"], name="app", confirmed=True)
    client = Client()
    response = client.post("/sign-in/", {"username": "practitioner.user", "password": PASSWORD})
    assert response["Location"] == "/sign-in/code/"
    client.post("/sign-in/code/", {"code": _code(device)})
    assert client.get("/").status_code == 200


def test_demo_accounts_must_use_a_code_outside_demo_mode(db):
    create_user(
        "demo.user", agency="POLICE", roles=["practitioner"], actor=None, password=PASSWORD, is_demo=True
    )
    response = Client().post("/sign-in/", {"username": "demo.user", "password": PASSWORD})
    assert response["Location"] == "/sign-in/set-up-code/"


def test_demo_accounts_skip_the_code_in_demo_mode(db, settings):
    settings.DEMO = True
    create_user(
        "demo.user", agency="POLICE", roles=["practitioner"], actor=None, password=PASSWORD, is_demo=True
    )
    client = Client()
    assert client.post("/sign-in/", {"username": "demo.user", "password": PASSWORD})["Location"] == "/"
    assert client.get("/").status_code == 200


def test_wrong_password_then_lock_out(personas):
    client = Client()
    for _ in range(4):
        response = client.post("/sign-in/", {"username": "practitioner.user", "password": "wrong"})
        assert b"not right" in response.content
    response = client.post("/sign-in/", {"username": "practitioner.user", "password": "wrong"})
    assert response.status_code == 429
    response = client.post("/sign-in/", {"username": "practitioner.user", "password": PASSWORD})
    assert response.status_code == 429 and b"locked" in response.content
    assert AuditEvent.objects.filter(action=Action.SIGN_IN_FAILED).count() >= 4


def test_idle_session_is_signed_out(personas):
    client = sign_in_verified(Client(), personas["practitioner"])
    assert client.get("/").status_code == 200
    session = client.session
    session[SESSION_LAST_SEEN] = time.time() - 16 * 60
    session.save()
    response = client.get("/")
    assert response["Location"] == "/sign-in/"
    assert client.get("/account/").status_code == 302


def test_sign_out_everywhere_ends_other_sessions(personas):
    user = personas["practitioner"]
    laptop, phone = sign_in_verified(Client(), user), sign_in_verified(Client(), user)
    assert phone.get("/account/").status_code == 200
    laptop.post("/account/sign-out-everywhere/")
    assert phone.get("/account/").status_code == 302
    assert AuditEvent.objects.filter(action=Action.SIGN_OUT_EVERYWHERE, actor=user).exists()


def test_open_redirect_after_sign_in_is_refused(db, settings):
    settings.DEMO = True
    create_user(
        "demo.user", agency="POLICE", roles=["practitioner"], actor=None, password=PASSWORD, is_demo=True
    )
    response = Client().post(
        "/sign-in/?next=https://evil.example/", {"username": "demo.user", "password": PASSWORD}
    )
    assert response["Location"] == "/"


def test_security_headers(personas):
    response = Client().get("/sign-in/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert b"<script>" not in response.content  # no inline script
