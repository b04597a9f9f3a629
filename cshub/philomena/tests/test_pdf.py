"""The printable profile: one or two A4 pages through the reports pipeline, the photograph
embedded from the document store, the marking on every page, an EXPORT on the trail."""

import base64
import io
from typing import Any

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cshub.audit.models import AuditEvent
from cshub.philomena import actions
from cshub.philomena.tests.conftest import TEXT, photo, png
from cshub.reports.pdf import StaticFilesOnly, html_to_pdf

pytestmark = pytest.mark.django_db


def _images(reader: PdfReader) -> int:
    """Distinct images drawn (WeasyPrint shares one resource dictionary between pages)."""
    return len({image.name for page in reader.pages for image in page.images})


def test_the_pdf_holds_the_profile_and_its_photograph(
    child: Any, personas: dict[str, Any], client_for: Any
) -> None:
    worker = personas["practitioner"]
    picture = photo(child, worker)
    actions.write_profile(child, TEXT, actor=worker, photo=picture)
    answer = client_for("missing_worker").get(reverse("philomena:pdf", args=[child.pk]))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert (
        answer["Content-Disposition"] == f'attachment; filename="missing-from-care-profile-{child.pk}-v1.pdf"'
    )
    assert "no-store" in answer["Cache-Control"]
    reader = PdfReader(io.BytesIO(answer.content))
    assert 1 <= len(reader.pages) <= 2
    pages = [page.extract_text() for page in reader.pages]
    assert all("OFFICIAL-SENSITIVE" in text for text in pages)
    text = " ".join(" ".join(pages).split())
    for expected in (
        "Kofi Ashcombe",
        "Printed by Missing Worker Persona",
        "Who to call Police 999",
        "Black puffer jacket",
        "Snapchat: kofi_a_demo",
        "Piccadilly Gardens",
        "Salbutamol inhaler",
        "Hollins House children's home",
        "Version 1, written by Practitioner Persona",
    ):
        assert expected in text, expected
    assert _images(reader) == 1  # the photograph, read from the document store
    event = AuditEvent.objects.get(action="EXPORT", child_id=child.pk)
    assert event.detail == {"report": "missing-from-care profile", "version": 1}


def test_without_a_photograph_the_pdf_says_so(child: Any, personas: dict[str, Any], client_for: Any) -> None:
    actions.write_profile(child, TEXT, actor=personas["practitioner"])
    body = client_for("practitioner").get(reverse("philomena:pdf", args=[child.pk])).content
    reader = PdfReader(io.BytesIO(body))
    assert _images(reader) == 0
    assert "No photograph on the profile." in reader.pages[0].extract_text()


def test_no_profile_no_pdf(child: Any, client_for: Any) -> None:
    answer = client_for("practitioner").get(reverse("philomena:pdf", args=[child.pk]))
    assert answer.status_code == 302 and answer["Location"] == reverse("philomena:profile", args=[child.pk])
    assert not AuditEvent.objects.filter(action="EXPORT").exists()


def test_the_renderer_decodes_a_data_uri_and_still_fetches_nothing_else() -> None:
    fetcher = StaticFilesOnly()
    uri = "data:image/png;base64," + base64.b64encode(png()).decode("ascii")
    body = html_to_pdf(f'<img src="{uri}"><img src="https://example.org/x.png">', fetcher)
    assert _images(PdfReader(io.BytesIO(body))) == 1
    assert fetcher.refused == ["https://example.org/x.png"]
