"""Issue 20: API tokens have a scope, an expiry and a last use shown to their owner and to
the system administrator. A police feed's token sends missing reports and reads nothing."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cshub.access.actions import create_api_token
from cshub.access.models import ApiToken
from cshub.access.scopes import Scope
from cshub.access.testing import sign_in_verified

READ, REFERRALS_WRITE, MISSING_REPORT = (
    Scope.READ.value,
    Scope.REFERRALS_WRITE.value,
    Scope.MISSING_REPORT.value,
)
SCOPES = Scope.values


def _report(ref: str, child: int) -> dict[str, Any]:
    return {
        "child": child,
        "police_reference": ref,
        "reported_at": (timezone.now() - dt.timedelta(hours=2)).isoformat(),
    }


def _headers(raw: str) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _reads(hub: dict[str, Any]) -> list[str]:
    """Every address of the API that reads: lists, records, the schema and its page."""
    return [
        "/api/v1/children/",
        f"/api/v1/children/{hub['child'].pk}/",
        "/api/v1/referrals/",
        f"/api/v1/referrals/{hub['referral'].pk}/",
        "/api/v1/episodes/",
        f"/api/v1/episodes/{hub['episode'].pk}/",
        "/api/v1/missing-episodes/",
        f"/api/v1/missing-episodes/{hub['missing_episode'].pk}/",
        "/api/v1/schema/",
        "/api/v1/docs/",
    ]


def test_a_police_feed_token_sends_reports_and_reads_nothing(hub: dict[str, Any], personas: Any) -> None:
    worker = personas["missing_worker"]
    _, raw = create_api_token(worker, "police feed", actor=worker, scopes=[MISSING_REPORT])
    client = Client()
    sent = client.post(
        "/api/v1/missing-episodes/",
        _report("PF-1", hub["child"].pk),
        content_type="application/json",
        **_headers(raw),
    )
    assert sent.status_code == 201, sent.content
    for url in _reads(hub):
        response = client.get(url, **_headers(raw))
        assert response.status_code == 403, f"{url}: {response.status_code}"
        assert "missing:report" in response.content.decode()
    search = client.post(
        "/api/v1/people/search/", {"name": "Kofi Ashcombe"}, content_type="application/json", **_headers(raw)
    )
    assert search.status_code == 403
    referral = client.post(
        "/api/v1/referrals/",
        {"child": hub["second"].pk, "received_date": "2026-01-05", "primary_type": "CSE"},
        content_type="application/json",
        **_headers(raw),
    )
    assert referral.status_code == 403


def test_a_read_token_reads_what_the_role_may_and_writes_nothing(hub: dict[str, Any], personas: Any) -> None:
    worker = personas["practitioner"]
    _, raw = create_api_token(worker, "dashboard", actor=worker, scopes=[READ])
    client = Client()
    for url in _reads(hub):
        assert client.get(url, **_headers(raw)).status_code == 200, url
    assert (
        client.post(
            "/api/v1/people/search/",
            {"name": "Kofi Ashcombe"},
            content_type="application/json",
            **_headers(raw),
        ).status_code
        == 200
    )
    sent = client.post(
        "/api/v1/missing-episodes/",
        _report("PF-2", hub["child"].pk),
        content_type="application/json",
        **_headers(raw),
    )
    assert sent.status_code == 403
    # The scope never adds to the role: an analyst's read token still reads no child.
    analyst = personas["analyst"]
    _, analyst_raw = create_api_token(analyst, "figures", actor=analyst, scopes=[READ])
    assert client.get("/api/v1/children/", **_headers(analyst_raw)).status_code == 403


def test_a_scope_the_role_does_not_allow_is_refused_at_creation(personas: Any) -> None:
    analyst = personas["analyst"]
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="missing reports"):
        create_api_token(analyst, "feed", actor=analyst, scopes=[MISSING_REPORT])
    with pytest.raises(ValidationError, match="scope"):
        create_api_token(analyst, "feed", actor=analyst, scopes=[])


def test_the_account_page_chooses_scope_and_expiry(
    hub: dict[str, Any], client_for: Any, personas: Any
) -> None:
    client = client_for("missing_worker")
    page = client.get(reverse("access:account")).content.decode()
    assert 'value="missing:report"' in page and 'value="365"' in page
    response = client.post(reverse("access:account"), {"name": "police feed", "scopes": [MISSING_REPORT]})
    assert response.status_code == 200
    token = ApiToken.objects.get(name="police feed")
    assert token.scopes == [MISSING_REPORT]
    # 90 days unless chosen otherwise
    assert (token.expires_at - token.created_at).days == 90
    client.post(reverse("access:account"), {"name": "yearly", "scopes": [READ], "days": "365"})
    yearly = ApiToken.objects.get(name="yearly")
    assert (yearly.expires_at - yearly.created_at).days == 365
    refused = client.post(reverse("access:account"), {"name": "forever", "scopes": [READ], "days": "9999"})
    assert "Select how long the token lasts" in refused.content.decode()
    assert not ApiToken.objects.filter(name="forever").exists()


def test_an_expired_token_is_refused_as_a_revoked_one_and_shown_expired(
    hub: dict[str, Any], personas: Any
) -> None:
    worker = personas["practitioner"]
    token, raw = create_api_token(worker, "old feed", actor=worker, scopes=[READ], days=30)
    client = Client()
    assert client.get("/api/v1/children/", **_headers(raw)).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    expired = client.get("/api/v1/children/", **_headers(raw))
    revoked = client.get("/api/v1/children/", HTTP_AUTHORIZATION="Bearer csh_nonsense")
    assert expired.status_code == revoked.status_code == 401
    assert expired.json() == revoked.json()
    page = sign_in_verified(Client(), worker).get(reverse("access:account")).content.decode()
    assert "Expired" in page


def test_last_use_is_written_once_a_minute_and_shown_to_the_sysadmin(
    hub: dict[str, Any], personas: Any, client_for: Any
) -> None:
    worker = personas["practitioner"]
    token, raw = create_api_token(worker, "dashboard", actor=worker, scopes=[READ])
    client = Client()
    client.get("/api/v1/children/", **_headers(raw))
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    client.get("/api/v1/children/", **_headers(raw))
    token.refresh_from_db()
    assert token.last_used_at == first  # no write on every request
    a_while_ago = timezone.now() - dt.timedelta(minutes=5)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=a_while_ago)
    client.get("/api/v1/children/", **_headers(raw))
    token.refresh_from_db()
    assert token.last_used_at is not None and token.last_used_at > a_while_ago
    page = client_for("sysadmin").get(reverse("access:user_edit", args=[worker.pk])).content.decode()
    assert "dashboard" in page and "csh_" + token.prefix in page
    assert "Last used" in page and "Never" not in page.split("dashboard", 1)[1].split("</tr>", 1)[0]
    assert "read" in page


def test_the_openapi_schema_and_docs_page_name_each_operations_scope(client_for: Any) -> None:
    client = client_for("practitioner")
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    scopes = {
        (method.upper(), path): op.get("x-token-scope")
        for path, item in schema["paths"].items()
        for method, op in item.items()
    }
    assert scopes[("POST", "/api/v1/missing-episodes/")] == MISSING_REPORT
    assert scopes[("POST", "/api/v1/referrals/")] == REFERRALS_WRITE
    assert scopes[("GET", "/api/v1/missing-episodes/")] == READ
    assert scopes[("POST", "/api/v1/people/search/")] == READ
    assert set(scopes.values()) <= set(SCOPES)
    description = schema["components"]["securitySchemes"]["bearerToken"]["description"]
    assert all(scope in description for scope in SCOPES)
    page = client.get("/api/v1/docs/").content.decode()
    assert "Token scope" in page and MISSING_REPORT in page
