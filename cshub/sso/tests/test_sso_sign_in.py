"""Single sign-on against a real OpenID provider (oidc-provider under node, started by the
`op` fixture): the authorization-code flow over HTTP, as a browser and CSHub would run it."""

import time

from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from cshub.access.actions import create_user
from cshub.access.middleware import SESSION_LAST_SEEN
from cshub.access.models import User
from cshub.audit.models import Action, AuditEvent
from cshub.sso import actions
from cshub.sso.models import ProviderDevice

MFA_EMAIL = "mfa.user@council.example"  # amr ["pwd", "mfa"] at the provider
PWD_EMAIL = "pwd.user@council.example"  # amr ["pwd"]


def _user(username, email, roles=("practitioner",), **extra):
    return create_user(username, agency="SOCIAL_CARE", roles=list(roles), actor=None, email=email, **extra)


def _code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _failure(reason_start):
    event = AuditEvent.objects.filter(action=Action.SIGN_IN_FAILED).latest("pk")
    assert event.detail["via"] == "sso" and event.detail["reason"].startswith(reason_start), event.detail
    return event


def test_provider_mfa_signs_in_without_the_cshub_code(op, db):
    user = _user("mfa.worker", MFA_EMAIL.upper())  # the email matches whatever its case
    client = Client()
    response = client.get(op.sign_in(client, "mfa.user", start="/sign-in/sso/?next=/account/"))
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert client.get("/account/").status_code == 200
    assert not TOTPDevice.objects.filter(user=user).exists()  # never asked to set one up
    assert ProviderDevice.objects.filter(user=user, confirmed=True).count() == 1
    event = AuditEvent.objects.get(action=Action.SIGN_IN, actor=user)
    assert event.detail == {
        "via": "sso",
        "amr": ["pwd", "mfa"],
        "provider_mfa": True,
        "second_factor": True,
    }


def test_without_provider_mfa_cshub_asks_for_its_code(op, db):
    user = _user("pwd.worker", PWD_EMAIL)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = Client()
    response = client.get(op.sign_in(client, "pwd.user"))
    assert response["Location"] == "/sign-in/code/"
    assert client.get("/").status_code == 302  # not signed in yet
    assert client.get("/account/").status_code == 302
    response = client.post("/sign-in/code/", {"code": _code(device)})
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200
    event = AuditEvent.objects.get(action=Action.SIGN_IN, actor=user)
    assert event.detail == {
        "via": "sso",
        "amr": ["pwd"],
        "provider_mfa": False,
        "second_factor": True,
    }
    assert not ProviderDevice.objects.filter(user=user).exists()


def test_without_provider_mfa_a_first_sign_in_sets_up_the_code(op, db):
    _user("pwd.worker", PWD_EMAIL)
    client = Client()
    assert client.get(op.sign_in(client, "pwd.user"))["Location"] == "/sign-in/set-up-code/"
    assert client.get("/").status_code == 302


def test_unknown_account_is_refused(op, db):
    _user("someone.else", "someone.else@council.example")
    client = Client()
    response = client.get(op.sign_in(client, "mfa.user"))
    assert response.status_code == 403
    assert b"You could not be signed in with Test Council" in response.content
    event = _failure("no account with this email")
    assert event.actor is None and event.detail["tried"] == MFA_EMAIL
    assert client.get("/").status_code == 302
    assert not AuditEvent.objects.filter(action=Action.SIGN_IN).exists()


def test_disabled_account_is_refused(op, db):
    user = _user("mfa.worker", MFA_EMAIL)
    user.is_active = False
    user.save()
    client = Client()
    response = client.get(op.sign_in(client, "mfa.user"))
    assert response.status_code == 403
    assert _failure("account disabled").actor == user
    assert client.get("/").status_code == 302


def test_tampered_or_replayed_state_is_refused(op, db):
    user = _user("mfa.worker", MFA_EMAIL)
    client = Client()
    callback = op.sign_in(client, "mfa.user")
    tampered = callback.replace("state=", "state=x")
    response = client.get(tampered)
    assert response.status_code == 403
    _failure("state not recognised")
    assert client.get("/").status_code == 302
    # The real state still works once, and only once.
    assert client.get(callback)["Location"] == "/"
    assert client.get("/").status_code == 200
    other = Client()
    assert other.get(callback).status_code == 403  # another browser: its session holds no such state
    assert AuditEvent.objects.filter(action=Action.SIGN_IN, actor=user).count() == 1


def test_a_callback_the_session_did_not_start_is_refused(op, db):
    _user("mfa.worker", MFA_EMAIL)
    attacker, victim = Client(), Client()
    callback = op.sign_in(attacker, "mfa.user")
    victim.get("/sign-in/sso/")  # the victim's own flow has another state
    assert victim.get(callback).status_code == 403
    assert victim.get("/").status_code == 302


def test_roles_stay_cshubs(op, db):
    user = _user("mfa.worker", MFA_EMAIL, roles=("analyst",))
    before = (user.role_codes(), sorted(user.permission_codes))
    client = Client()
    client.get(op.sign_in(client, "mfa.user"))
    user = User.objects.get(pk=user.pk)  # a fresh permission cache
    assert (user.role_codes(), sorted(user.permission_codes)) == before
    assert client.get("/children/").status_code == 403  # an analyst still sees no names
    assert client.get("/account/").status_code == 200


def test_no_account_is_made_unless_a_setting_says_so(op, db, settings):
    client = Client()
    assert client.get(op.sign_in(client, "pwd.user")).status_code == 403
    assert not User.objects.filter(email=PWD_EMAIL).exists()

    settings.CSHUB_OIDC_CREATE_USERS = True
    client = Client()
    assert client.get(op.sign_in(client, "pwd.user"))["Location"] == "/sign-in/set-up-code/"
    made = User.objects.get(email=PWD_EMAIL)
    assert made.role_codes() == [] and made.username == PWD_EMAIL
    assert AuditEvent.objects.filter(action=Action.USER_CREATED, object_id=str(made.pk)).exists()


def test_accounts_matched_by_a_linked_subject(op, db, settings, personas):
    settings.CSHUB_OIDC_MATCH_CLAIM = "sub"
    settings.CSHUB_OIDC_USERINFO = False  # the ID token's claims alone, as with Entra ID's oid
    worker = personas["practitioner"]
    actions.link(worker, "op-sub-mfa", actor=personas["sysadmin"])
    client = Client()
    assert client.get(op.sign_in(client, "mfa.user"))["Location"] == "/"
    assert AuditEvent.objects.filter(action=Action.SIGN_IN, actor=worker).exists()
    client = Client()
    assert client.get(op.sign_in(client, "pwd.user")).status_code == 403  # its sub is linked to no one
    _failure("no account with this sub")


def test_session_rules_hold_after_single_sign_on(op, db):
    _user("mfa.worker", MFA_EMAIL)
    client = Client()
    client.get(op.sign_in(client, "mfa.user"))
    assert client.get("/account/").status_code == 200
    session = client.session
    session[SESSION_LAST_SEEN] = time.time() - 16 * 60
    session.save()
    assert client.get("/account/")["Location"] == "/sign-in/"


def test_the_provider_saying_no_is_audited(op, db):
    client = Client()
    client.get("/sign-in/sso/")
    state = next(iter(client.session["oidc_states"]))
    response = client.get(f"/sign-in/sso/callback/?error=access_denied&state={state}")
    assert response.status_code == 403
    _failure("provider answered access_denied")


def test_without_userinfo_only_the_id_tokens_claims_count(op, db, settings):
    settings.CSHUB_OIDC_USERINFO = False  # the test provider puts email in userinfo only
    _user("mfa.worker", MFA_EMAIL)
    client = Client()
    assert client.get(op.sign_in(client, "mfa.user")).status_code == 403
    _failure("no email claim")
