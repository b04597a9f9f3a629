from django.test import Client

from cshub.access.actions import create_api_token, revoke_api_token
from cshub.audit.models import Action, AuditEvent


def _bearer(user, name="test"):
    _, raw = create_api_token(user, name, actor=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_token_reads_children_with_audit(hub, personas):
    headers = _bearer(personas["practitioner"])
    response = Client().get("/api/v1/children/", **headers)
    assert response.status_code == 200
    ids = [c["id"] for c in response.json()["results"]]
    assert hub["child"].pk in ids and hub["restricted"].pk not in ids
    assert AuditEvent.objects.filter(action=Action.VIEW, child_id=hub["child"].pk, via="api").exists()
    detail = Client().get(f"/api/v1/children/{hub['child'].pk}/", **headers)
    assert detail.json()["surname"] == "Ashcombe"


def test_restricted_child_is_not_found_over_the_api(hub, personas):
    response = Client().get(f"/api/v1/children/{hub['restricted'].pk}/", **_bearer(personas["practitioner"]))
    assert response.status_code == 404


def test_revoked_or_wrong_token_is_refused(hub, personas):
    user = personas["practitioner"]
    token, raw = create_api_token(user, "feed", actor=user)
    revoke_api_token(token, actor=user)
    assert Client().get("/api/v1/children/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert Client().get("/api/v1/children/", HTTP_AUTHORIZATION="Bearer csh_nonsense").status_code == 401


def test_analyst_gets_no_children(hub, personas):
    assert Client().get("/api/v1/children/", **_bearer(personas["analyst"])).status_code == 403


def test_post_a_referral(hub, personas):
    headers = _bearer(personas["practitioner"])
    response = Client().post(
        "/api/v1/referrals/",
        {
            "child": hub["second"].pk,
            "received_date": "2026-01-05",
            "primary_type": "CSE",
            "concerns": "Gifts from an adult.",
        },
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201, response.content
    assert response.json()["decision"] == "PENDING"
    assert hub["second"].timeline.filter(kind="REFERRAL").count() == 2
    bad = Client().post(
        "/api/v1/referrals/",
        {"child": hub["second"].pk, "received_date": "2999-01-01", "primary_type": "CSE"},
        content_type="application/json",
        **headers,
    )
    assert bad.status_code == 400 and "received_date" in bad.json()


def test_post_for_a_hidden_child_is_not_found(hub, personas):
    response = Client().post(
        "/api/v1/referrals/",
        {"child": hub["restricted"].pk, "received_date": "2026-01-05", "primary_type": "CSE"},
        content_type="application/json",
        **_bearer(personas["practitioner"]),
    )
    assert response.status_code == 404


def test_openapi_schema_describes_the_endpoints(personas):
    response = Client().get("/api/v1/schema/", **_bearer(personas["practitioner"]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "/api/v1/children/" in text and "/api/v1/referrals/" in text


def test_account_page_creates_and_revokes_tokens(client_for, personas):
    client = client_for("practitioner")
    response = client.post("/account/", {"name": "Police feed", "scopes": ["missing:report"]})
    assert b"csh_" in response.content
    token = personas["practitioner"].api_tokens.get(name="Police feed")
    client.post(f"/account/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None
