"""Issue 20: downloaded minutes are a file opened from disk, where no response header
applies: a Content-Security-Policy meta tag, before anything it governs, lets the file run
nothing and fetch nothing (its own inline styles only)."""

from html.parser import HTMLParser
from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.order: list[str] = []
        self.policy: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "content-security-policy":
            self.policy = values.get("content")
            self.order.append("csp")
        elif tag in ("style", "script", "link", "img", "base", "title", "body"):
            self.order.append(tag)


def _directives(policy: str) -> dict[str, list[str]]:
    parts = [d.split() for d in policy.split(";") if d.strip()]
    return {p[0]: p[1:] for p in parts}


@pytest.mark.parametrize("version", ["", "?version=restricted"])
def test_downloaded_minutes_carry_a_content_security_policy(
    version: str, hub: dict[str, Any], client_for: Any
) -> None:
    response = client_for("team_manager").get(
        reverse("meetings:download", args=[hub["meeting"].pk]) + version
    )
    assert response["Content-Disposition"].startswith("attachment;")
    head = _Head()
    head.feed(response.content.decode())
    assert head.policy is not None, "no Content-Security-Policy meta tag"
    assert head.order[0] == "csp", f"the policy must come before what it governs: {head.order}"
    directives = _directives(head.policy)
    assert directives["default-src"] == ["'none'"]
    assert directives["style-src"] == ["'unsafe-inline'"]
    assert directives["base-uri"] == ["'none'"] and directives["form-action"] == ["'none'"]
    assert not any(name.startswith("script") for name in directives)
    assert "script" not in head.order and "link" not in head.order
