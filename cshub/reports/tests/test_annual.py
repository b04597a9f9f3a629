"""The annual report and the scrutiny report: every figure is the engine's, the published
version as the engine publishes it, the texts and their versions, the fallback to the
dashboard's commentary, who may read and write, and the PDF and Word documents."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from cshub.assurance import actions as assurance_actions
from cshub.assurance.dashboard import year_period
from cshub.assurance.metrics import compute
from cshub.assurance.metrics.publication import C, publish
from cshub.audit.models import Action, AuditEvent
from cshub.demo.annual import build_annual_report
from cshub.reports import actions, annual
from cshub.reports.models import AnnualPart, AnnualText, ScrutinyCover

pytestmark = pytest.mark.django_db
YEAR = 2025  # 1 April 2025 to 31 March 2026: the `area` fixture's referrals and episodes
URL = "/reports/annual/"
Q = f"year={YEAR}"
TITLES = [
    "1. Introduction",
    "2. Context and demand",
    "3. Who the children are",
    "4. Missing from home and care",
    "5. Impact and outcomes",
    "6. What children and parents told us",
    "7. Disrupting those who exploit children",
    "8. Quality assurance",
    "9. Priorities",
]


def _pages(response) -> list[str]:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    return [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]


def _docx(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    return Document(io.BytesIO(response.content))


def _docx_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    parts += [p.text for s in doc.sections for p in s.header.paragraphs]
    return "\n".join(parts)


def _main(page: str) -> str:
    """The page's content, without the header that names who is signed in."""
    return page.split("<main", 1)[1].split("</main>", 1)[0]


def _expected(metrics, published: bool, name: str, field: str):
    if not published:
        return metrics[name].as_dict()[field]
    value = publish(metrics)[name][field]
    return None if value == C else value


@pytest.mark.parametrize("published", [False, True])
def test_every_figure_shown_is_the_engines_for_the_year_and_the_year_before(area, published):
    report = annual.build(YEAR, published=published)
    now, before = compute(year_period(YEAR)), compute(year_period(YEAR - 1))
    assert report.shown, "the report shows figures"
    for figure in report.shown:
        metrics = now if figure.year == "now" else before
        assert figure.value == _expected(metrics, published, figure.name, figure.field), figure
    # every figure of every section's table, on both sides, and the charts' cells are among them
    named = {(f.name, f.year) for f in report.shown}
    for s in report.sections:
        for row in s.rows:
            assert (row.name, "now") in named and (row.name, "before") in named
    assert ("referrals.by_gender.female", "now") in named
    assert any(f.name.startswith("audits.grade.") for f in report.shown)
    assert not any(f.name.startswith("caseload.by_worker") for f in report.shown)


def test_the_rows_say_the_figures_against_the_year_before(area):
    report = annual.build(YEAR, published=False)
    context = report.sections[0]
    received = next(r for r in context.rows if r.name == "referrals.received")
    assert received.now == "10" and received.before == "0"
    assert received.change == "Up 10"
    assert received.sentence == "Referrals received: 10, up from 0 in 2024 to 2025."


def test_the_published_version_suppresses_small_numbers_and_the_next_smallest_cell(area):
    # Referrals in the year: 7 about boys, 3 about girls. The 3 is suppressed, and the 7 with
    # it (else 10 - 7 would give it away); the internal version shows both.
    published = annual.build(YEAR, published=True)
    children = next(s for s in published.sections if s.key == AnnualPart.CHILDREN)
    genders = dict(next(c for c in children.charts if c.title == "Referrals by gender").rows)
    assert genders["Girls and young women"] == ["c", "c"]
    assert genders["Boys and young men"] == ["c", "c"]
    assert genders["Not known"][0] == "0"
    received = next(r for r in published.sections[0].rows if r.name == "referrals.received")
    assert received.now == "10"
    # a change against a suppressed number is never given as a direction
    internal = annual.build(YEAR, published=False)
    children = next(s for s in internal.sections if s.key == AnnualPart.CHILDREN)
    genders = dict(next(c for c in children.charts if c.title == "Referrals by gender").rows)
    assert genders["Girls and young women"] == ["3", "30%"] and genders["Boys and young men"] == ["7", "70%"]
    for row in [r for s in published.sections for r in s.rows] + published.key_rows:
        if C in (row.now.split(" ")[0], row.before.split(" ")[0]):
            assert row.change == "Cannot compare" and " compared with " in row.sentence, row


def test_no_staff_name_in_the_published_page_pdf_or_word_document(area, client_for):
    lead = client_for("strategic_lead")
    lead.post(f"{URL}?{Q}", {"part": "missing", "missing-text": "Return interviews improved."})
    manager = client_for("team_manager")
    internal = " ".join(_pages(manager.get(f"{URL}pdf/?{Q}")))
    assert "Strategic Lead Persona" in internal and "Team Manager Persona" in internal  # author; printed by
    assert "OFFICIAL-SENSITIVE" in internal
    downloads = {
        "page": _main(manager.get(f"{URL}?{Q}&version=published").content.decode()),
        "pdf": " ".join(_pages(manager.get(f"{URL}pdf/?{Q}&version=published"))),
        "docx": _docx_text(_docx(manager.get(f"{URL}docx/?{Q}&version=published"))),
        "scrutiny pdf": " ".join(_pages(manager.get(f"{URL}scrutiny/pdf/?{Q}"))),
        "scrutiny docx": _docx_text(_docx(manager.get(f"{URL}scrutiny/docx/?{Q}"))),
    }
    for what, text in downloads.items():
        assert "Return interviews improved." in text, what
        assert "Persona" not in text and "Printed by" not in text and "Exported by" not in text, what
    for what in ("pdf", "docx", "scrutiny pdf", "scrutiny docx"):
        assert "OFFICIAL-SENSITIVE" not in downloads[what], what
    assert "Persona" in _docx_text(_docx(manager.get(f"{URL}docx/?{Q}")))  # the internal one names the author


def test_each_save_of_a_text_is_a_new_version_and_the_newest_is_shown(area, client_for, personas):
    lead = client_for("strategic_lead")
    assert (
        b"Enter the text" in lead.post(f"{URL}?{Q}", {"part": "priorities", "priorities-text": " "}).content
    )
    lead.post(f"{URL}?{Q}", {"part": "priorities", "priorities-text": "First draft of the priorities."})
    response = lead.post(f"{URL}?{Q}", {"part": "priorities", "priorities-text": "Agreed priorities."})
    assert response.status_code == 302 and response["Location"].endswith("#priorities")
    assert list(AnnualText.objects.order_by("id").values_list("year", "part", "text")) == [
        (YEAR, "priorities", "First draft of the priorities."),
        (YEAR, "priorities", "Agreed priorities."),
    ]
    page = lead.get(f"{URL}?{Q}").content.decode()
    assert "Agreed priorities." in page and "First draft" not in page.split("<textarea")[0]
    assert annual.build(YEAR, published=True).priorities.text == "Agreed priorities."
    assert annual.build(YEAR - 1, published=True).priorities is None  # another year's report
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="reports.annualtext").count() == 2


def test_a_section_without_its_own_text_shows_the_dashboards_commentary_for_the_year(area, personas):
    lead = personas["strategic_lead"]
    assurance_actions.write_commentary("missing", year_period(YEAR), "From the dashboard.", actor=lead)
    # the dashboard's commentary for another period is not the year's
    assurance_actions.write_commentary("impact", year_period(YEAR - 1), "Last year's impact.", actor=lead)
    report = annual.build(YEAR, published=False)
    missing = next(s for s in report.sections if s.key == "missing")
    assert missing.commentary.text == "From the dashboard." and missing.commentary.from_dashboard
    assert next(s for s in report.sections if s.key == "impact").commentary is None
    actions.write_annual_text(YEAR, "missing", "The report's own words.", actor=lead)
    missing = next(s for s in annual.build(YEAR, published=False).sections if s.key == "missing")
    assert missing.commentary.text == "The report's own words." and not missing.commentary.from_dashboard


def test_readers_of_figures_cannot_write_the_texts_or_the_cover(area, client_for, personas):
    analyst = client_for("analyst")
    page = analyst.get(f"{URL}?{Q}").content.decode()
    assert "Context and demand" in page and 'name="part"' not in page
    analyst.post(f"{URL}?{Q}", {"part": "priorities", "priorities-text": "Not mine to write."})
    analyst.post(f"{URL}scrutiny/?{Q}", _cover_post())
    assert not AnnualText.objects.exists() and not ScrutinyCover.objects.exists()
    with pytest.raises(PermissionDenied):
        actions.write_annual_text(YEAR, "priorities", "No.", actor=personas["analyst"])
    # the published version offers no form even to a writer
    lead = client_for("strategic_lead")
    assert 'name="part"' in lead.get(f"{URL}?{Q}").content.decode()
    assert 'name="part"' not in lead.get(f"{URL}?{Q}&version=published").content.decode()


def _cover_post(**changes: str) -> dict[str, str]:
    data = {
        "report_to": "Children and Young People Scrutiny Committee",
        "meeting_date_day": "15",
        "meeting_date_month": "7",
        "meeting_date_year": "2026",
        "subject": "Annual report of the Complex Safeguarding Hub",
        "report_of": "Strategic Director of Children's Services",
        "summary": "The attached annual report.",
        "recommendations": "Note the report.\nEndorse the priorities.",
        "wards_affected": "All",
        "contact": "Strategic Lead, Complex Safeguarding\ncs@example.gov.uk",
    }
    return data | changes


def test_the_cover_report_is_data_each_save_a_version_and_the_scrutiny_report_is_published(area, client_for):
    lead = client_for("strategic_lead")
    response = lead.post(f"{URL}scrutiny/?{Q}", _cover_post(subject=""))
    assert b"Enter the subject" in response.content and not ScrutinyCover.objects.exists()
    assert lead.post(f"{URL}scrutiny/?{Q}", _cover_post()).status_code == 302
    assert lead.post(f"{URL}scrutiny/?{Q}", _cover_post(wards_affected="Riverside")).status_code == 302
    assert ScrutinyCover.objects.count() == 2
    cover = annual.cover(YEAR)
    assert cover.wards_affected == "Riverside" and cover.meeting_date == dt.date(2026, 7, 15)
    assert cover.recommendation_list == ["Note the report.", "Endorse the priorities."]
    page = lead.get(f"{URL}scrutiny/?{Q}").content.decode()
    assert "15 July 2026" in page and "Endorse the priorities." in page
    assert "Key figures, 2025 to 2026 and 2024 to 2025" in page
    pages = _pages(lead.get(f"{URL}scrutiny/pdf/?{Q}"))
    text = " ".join(pages)
    assert "Report for information" in pages[0] and "Riverside" in pages[0]
    assert "Appendix" in text and all(t in text for t in TITLES)
    assert all("OFFICIAL" in p for p in pages)


def test_the_pdf_has_a_contents_list_and_each_section_on_its_own_pages(area, client_for):
    pages = _pages(client_for("analyst").get(f"{URL}pdf/?{Q}"))
    assert len(pages) >= len(TITLES) + 1
    for i, text in enumerate(pages, start=1):
        assert text.count("OFFICIAL-SENSITIVE") >= 2, i  # top and bottom of every page
        assert f"Page {i} of {len(pages)}" in text
        assert "Annual report 2025 to 2026" in text, i  # the title on each page
    assert all(t in pages[0] for t in TITLES)  # the contents list
    starts = [next(i for i, text in enumerate(pages[1:], start=1) if t in text) for t in TITLES]
    assert starts == sorted(starts) and len(set(starts)) == len(TITLES)


def test_the_word_documents_have_heading_styles_and_tables_with_header_rows(area, client_for):
    manager = client_for("team_manager")
    doc = _docx(manager.get(f"{URL}docx/?{Q}&version=published"))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == TITLES
    assert "Referrals by gender" in [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert doc.tables
    for table in doc.tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    gender = next(t for t in doc.tables if any(r.cells[0].text == "Girls and young women" for r in t.rows))
    assert [c.text for c in gender.rows[0].cells] == ["", "Number", "Share"]
    girls = next(r for r in gender.rows if r.cells[0].text == "Girls and young women")
    assert [c.text for c in girls.cells] == ["Girls and young women", "c", "c"]
    assert any('shown as "c"' in p.text for p in doc.paragraphs)  # the note explaining it
    scrutiny = _docx(manager.get(f"{URL}scrutiny/docx/?{Q}"))
    level1 = [p.text for p in scrutiny.paragraphs if p.style.name == "Heading 1"]
    assert level1[-1] == "Appendix: Complex Safeguarding Hub annual report 2025 to 2026"
    assert [p.text for p in scrutiny.paragraphs if p.style.name == "Heading 2"][: len(TITLES)] == TITLES


@pytest.mark.parametrize(
    ("path", "report", "published", "kind"),
    [
        ("pdf/", "annual report", False, "pdf"),
        ("pdf/?version=published&", "annual report", True, "pdf"),
        ("docx/", "annual report", False, "docx"),
        ("scrutiny/pdf/", "scrutiny report", True, "pdf"),
        ("scrutiny/docx/", "scrutiny report", True, "docx"),
    ],
)
def test_every_export_is_audited_and_not_cached(area, client_for, personas, path, report, published, kind):
    joiner = "" if path.endswith("&") else "?"
    response = client_for("analyst").get(f"{URL}{path}{joiner}{Q}")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith("attachment;")
    event = AuditEvent.objects.get(action=Action.EXPORT, actor=personas["analyst"])
    assert event.detail == {"report": report, "year": YEAR, "published": published, "format": kind}


def test_the_last_complete_year_by_default_and_the_demo_writes_its_texts(personas, client_for):
    today = dt.date(2026, 11, 30)
    assert annual.last_complete_year(today) == 2025 and annual.years(today)[0] == 2025
    build_annual_report({"lead": personas["strategic_lead"]}, today)
    report = annual.build(2025, published=True)
    assert report.introduction and report.priorities and report.last_priorities
    assert all(s.commentary and not s.commentary.from_dashboard for s in report.sections)
    assert annual.cover(2025).report_to == "Children and Young People Scrutiny Committee"


def test_text_pasted_from_a_word_processor_keeps_its_breaks_and_the_word_document_still_opens(
    area, client_for
):
    # A manual line break is a vertical tab and a page break a form feed: not allowed in XML.
    lead = client_for("strategic_lead")
    pasted = "Return interviews improved.\x0bMost within 72 hours.\x0cNext year\x01: the same."
    lead.post(f"{URL}?{Q}", {"part": "missing", "missing-text": pasted})
    saved = AnnualText.objects.get(year=YEAR, part="missing").text
    assert saved == "Return interviews improved.\nMost within 72 hours.\n\nNext year: the same."
    doc = _docx(client_for("team_manager").get(f"{URL}docx/?{Q}"))
    assert "Next year: the same." in [p.text for p in doc.paragraphs]
