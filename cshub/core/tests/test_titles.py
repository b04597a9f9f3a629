"""The page title says "Error: " once when a form fails (WCAG 2.2, 2.4.2; GOV.UK's pattern):
base.html adds it for a template's `form`, so no page adds it again."""

import re
from pathlib import Path
from typing import Any

from django.conf import settings


def test_no_template_adds_the_error_prefix_base_html_adds_for_form() -> None:
    templates = Path(settings.BASE_DIR) / "cshub" / "templates"
    twice = [
        str(path.relative_to(templates))
        for path in templates.rglob("*.html")
        if re.search(r"{% block title %}[^\n]*{% if form\.errors[^%]*%}\s*Error:", path.read_text())
    ]
    assert not twice, twice


def test_a_form_with_errors_titles_its_page_error_once(personas: Any, client_for: Any) -> None:
    from cshub.conftest import make_child

    child = make_child(personas["practitioner"])
    page = client_for("practitioner").post(f"/children/{child.pk}/notes/new/", {"kind": ""}).content.decode()
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title and title.group(1).startswith("Error: ") and "Error: Error" not in title.group(1)
