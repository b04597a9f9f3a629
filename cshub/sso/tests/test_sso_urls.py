"""The single sign-on addresses with single sign-on on, for each role and signed out
(the access matrix in cshub/tests/test_url_access.py has them with it off: 404)."""

import pytest
from django.test import Client

from cshub.conftest import ROLES


@pytest.mark.parametrize("role", ROLES)
def test_signed_in_roles(role, op, client_for):
    client = client_for(role)
    assert client.get("/sign-in/sso/")["Location"] == "/"  # already signed in: nothing to start
    # A link to the callback neither signs them out nor signs anyone else in.
    assert client.get("/sign-in/sso/callback/?code=x&state=y")["Location"] == "/"
    assert client.get("/account/").status_code == 200


def test_signed_out_visitor(op, db):
    client = Client()
    start = client.get("/sign-in/sso/")
    assert start.status_code == 302 and start["Location"].startswith(f"{op.issuer}/auth?")
    assert "code_challenge_method=S256" in start["Location"] and "nonce=" in start["Location"]
    assert client.get("/sign-in/sso/callback/?code=x&state=y").status_code == 403
    assert client.get("/sign-in/sso/callback/").status_code == 403
    assert client.post("/sign-in/sso/").status_code == 405


def test_the_sign_in_page_offers_the_provider(op, db, settings):
    page = Client().get("/sign-in/").content.decode()
    assert "Sign in with Test Council" in page and 'name="password"' in page
    assert "Or sign in with your CSHub username and password" in page
    settings.CSHUB_PASSWORD_SIGN_IN = "sysadmins"
    page = Client().get("/sign-in/").content.decode()
    assert "Sign in with Test Council" in page
    assert "System administrators: sign in with a password" in page


def test_password_sign_in_can_be_for_system_administrators_only(op, personas, settings):
    settings.CSHUB_PASSWORD_SIGN_IN = "sysadmins"
    password = "a-long-test-password-1"
    refused = Client().post("/sign-in/", {"username": "practitioner.user", "password": password})
    assert refused.status_code == 200 and b"Sign in with Test Council" in refused.content
    admin = Client().post("/sign-in/", {"username": "sysadmin.user", "password": password})
    assert admin["Location"] == "/sign-in/set-up-code/"
    settings.CSHUB_PASSWORD_SIGN_IN = "all"
    allowed = Client().post("/sign-in/", {"username": "practitioner.user", "password": password})
    assert allowed["Location"] == "/sign-in/set-up-code/"


def test_switched_on_without_a_client_fails_the_system_checks(settings):
    from django.core.checks import run_checks

    settings.CSHUB_OIDC = True
    settings.OIDC_RP_CLIENT_ID = settings.CSHUB_OIDC_ISSUER = ""
    assert {e.id for e in run_checks()} >= {"sso.E001", "sso.E002"}


def test_the_console_links_a_user_and_checks_the_provider(op, personas, settings):
    from io import StringIO

    from django.core.management import call_command

    from cshub.audit.models import Action, AuditEvent
    from cshub.sso import config
    from cshub.sso.models import Identity

    out = StringIO()
    settings.CSHUB_OIDC_DISCOVERY_URL = f"{op.issuer}/.well-known/openid-configuration"
    config._documents.clear()
    call_command("sso", "check", stdout=out)
    assert f"OIDC_OP_TOKEN_ENDPOINT: {op.issuer}/token" in out.getvalue()
    settings.CSHUB_OIDC_MATCH_CLAIM = "oid"
    call_command("sso", "link", "practitioner.user", "oid-0001", stdout=out)
    assert Identity.objects.get(claim="oid", value="oid-0001").user == personas["practitioner"]
    assert AuditEvent.objects.filter(action=Action.USER_UPDATED, detail__sso_linked="oid").exists()
    call_command("sso", "unlink", "practitioner.user", stdout=out)
    assert not Identity.objects.exists()
