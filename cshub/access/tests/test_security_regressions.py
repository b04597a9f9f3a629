"""Findings of the security review, each pinned by a test."""

import datetime as dt
import time

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from cshub.access.actions import create_api_token, update_user
from cshub.access.middleware import SESSION_LAST_SEEN
from cshub.access.testing import sign_in_verified
from cshub.access.views import PENDING_SINCE
from cshub.audit.models import Action, AuditEvent
from cshub.casework import actions as casework
from cshub.conftest import TODAY
from cshub.referrals import actions as referrals

PASSWORD = "a-long-test-password-1"


def _password_step(username: str) -> Client:
    client = Client()
    client.post("/sign-in/", {"username": username, "password": PASSWORD})
    return client


def test_a_new_authenticator_cannot_replace_the_code_step(personas):
    TOTPDevice.objects.create(user=personas["practitioner"], name="app", confirmed=True)
    client = _password_step("practitioner.user")
    response = client.get("/sign-in/set-up-code/")
    assert response["Location"] == "/sign-in/code/"
    assert not TOTPDevice.objects.filter(user=personas["practitioner"], confirmed=False).exists()
    assert client.get("/children/").status_code == 302


def test_the_password_step_expires(personas):
    device = TOTPDevice.objects.create(user=personas["practitioner"], name="app", confirmed=True)
    client = _password_step("practitioner.user")
    session = client.session
    session[PENDING_SINCE] = time.time() - 6 * 60
    session.save()
    code = f"{totp(device.bin_key):06d}"
    assert client.post("/sign-in/code/", {"code": code})["Location"] == "/sign-in/"


def test_session_limits_apply_to_the_api(personas):
    client = sign_in_verified(Client(), personas["practitioner"])
    assert client.get("/api/v1/children/").status_code == 200
    session = client.session
    session[SESSION_LAST_SEEN] = time.time() - 3 * 3600
    session.save()
    assert client.get("/api/v1/children/").status_code == 401


def test_search_does_not_confirm_a_restricted_childs_date_of_birth(hub, client_for):
    restricted = hub["restricted"]
    client = client_for("missing_worker")
    dob = restricted.date_of_birth
    right = client.post(
        "/children/",
        {
            "name": "Tia Cinderwick",
            "date_of_birth_day": dob.day,
            "date_of_birth_month": dob.month,
            "date_of_birth_year": dob.year,
        },
    )
    wrong = client.post(
        "/children/",
        {
            "name": "Tia Cinderwick",
            "date_of_birth_day": dob.day,
            "date_of_birth_month": dob.month,
            "date_of_birth_year": dob.year - 3,
        },
    )
    assert right.content.count(b"Restricted record") == wrong.content.count(b"Restricted record") == 1
    assert AuditEvent.objects.filter(action=Action.SEARCH, child_id=restricted.pk).count() == 2


def test_an_administrator_cannot_change_their_own_roles(personas):
    admin = personas["sysadmin"]
    with pytest.raises(ValidationError, match="own roles"):
        update_user(
            admin,
            actor=admin,
            agency="SOCIAL_CARE",
            roles=["sysadmin", "team_manager"],
            first_name="",
            last_name="",
            email="",
            job_title="",
            is_active=True,
        )


def test_disabling_on_the_web_revokes_api_tokens(personas):
    worker, admin = personas["practitioner"], personas["sysadmin"]
    _, raw = create_api_token(worker, "feed", actor=worker)
    update_user(
        worker,
        actor=admin,
        agency="SOCIAL_CARE",
        roles=["practitioner"],
        first_name="",
        last_name="",
        email="",
        job_title="",
        is_active=False,
    )
    update_user(
        worker,
        actor=admin,
        agency="SOCIAL_CARE",
        roles=["practitioner"],
        first_name="",
        last_name="",
        email="",
        job_title="",
        is_active=True,
    )
    assert Client().get("/api/v1/children/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_pages_with_child_data_are_not_cached_and_messages_stay_server_side(hub, client_for):
    client = client_for("practitioner")
    response = client.get(f"/children/{hub['child'].pk}/")
    assert "no-store" in response["Cache-Control"]
    client.post(
        "/children/new/",
        {
            "forename": "Zeb",
            "surname": "Quorngrove",
            "person_type": "CHILD",
            "date_of_birth_day": "1",
            "date_of_birth_month": "1",
            "date_of_birth_year": "2012",
        },
    )
    assert "messages" not in client.cookies


def test_list_pages_audit_each_child_shown(hub, client_for, personas):
    client_for("practitioner").get("/caseload/")
    event = AuditEvent.objects.get(
        action=Action.VIEW,
        child_id=hub["child"].pk,
        actor=personas["practitioner"],
        detail__part="my caseload",
    )
    assert event.detail == {"part": "my caseload"}


def test_a_decided_referral_cannot_be_decided_again(hub, personas, client_for):
    with pytest.raises(ValidationError, match="already has a decision"):
        referrals.decide_referral(hub["referral"], "NFA", "Changed my mind", actor=personas["team_manager"])
    response = client_for("team_manager").get(f"/referrals/{hub['referral'].pk}/decision/")
    assert response["Location"] == f"/referrals/{hub['referral'].pk}/"


def test_a_closed_episode_cannot_have_its_closure_returned(hub, personas):
    manager, episode = personas["team_manager"], hub["episode"]
    closure = casework.Closure(TODAY - dt.timedelta(days=1), "Done", "YES", "YES", "YES", False, False)
    casework.record_closure(episode, closure, actor=manager, override_reason="Held by locality")
    with pytest.raises(ValidationError, match="no closure waiting"):
        casework.return_closure(episode, "Too late", actor=manager)


def test_api_referral_for_an_unknown_or_hidden_child_is_not_found(hub, personas):
    _, raw = create_api_token(personas["practitioner"], "feed", actor=personas["practitioner"])
    for child_id in (hub["restricted"].pk, 999999):
        response = Client().post(
            "/api/v1/referrals/",
            {"child": child_id, "received_date": "2026-01-05", "primary_type": "CSE"},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
        assert response.status_code == 404
