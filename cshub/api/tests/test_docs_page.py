"""The API's documentation is a CSHub page (issue 16): Swagger UI failed axe and its
inline style was refused by the CSP."""

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_api_docs_are_a_cshub_page_without_inline_style(client_for: Any) -> None:
    page = client_for("practitioner").get("/api/v1/docs/")
    assert page.status_code == 200
    text = page.content.decode()
    assert '<html lang="en-GB"' in text
    assert "<style" not in text and " style=" not in text and "swagger" not in text.lower()
    for path in ("/api/v1/children/", "/api/v1/missing-episodes/", "/api/v1/people/search/"):
        assert f"<code>{path}</code>" in text
    assert 'id="shape-MissingEpisodeRequest"' in text  # what to send, field by field
    assert "/api/v1/docs/" not in text.split('id="shapes"')[0].split("Addresses", 1)[1]


@pytest.mark.parametrize("role", ["practitioner", "team_manager", "missing_worker", "analyst", "sysadmin"])
def test_everyone_signed_in_reads_the_api_docs_and_nobody_else(client_for: Any, role: str) -> None:
    assert client_for(role).get("/api/v1/docs/").status_code == 200
    assert Client().get("/api/v1/docs/").status_code == 401


def test_no_swagger_ui_is_installed_and_the_schema_is_still_served(client_for: Any) -> None:
    """drf-spectacular-sidecar shipped Swagger UI and ReDoc for a page no longer served: it is
    gone from the requirements and the installed apps, so none of its files are collected."""
    from pathlib import Path

    from django.conf import settings
    from django.contrib.staticfiles import finders

    assert "drf_spectacular_sidecar" not in settings.INSTALLED_APPS
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js") is None
    requirements = (Path(settings.BASE_DIR) / "requirements.txt").read_text()
    assert "sidecar" not in requirements.lower()
    assert not any("SIDECAR" in str(v) for v in settings.SPECTACULAR_SETTINGS.values())
    schema = client_for("practitioner").get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/v1/children/" in schema.json()["paths"]
