"""The problem profile as a page and a PDF: who sees names, the published version's
suppression, the commentary, the disruption section, and the PDF itself."""

import io

import pytest
from pypdf import PdfReader

from cshub.audit.models import Action, AuditEvent
from cshub.disruption.models import Disruption
from cshub.reports import profile
from cshub.reports.models import ProfileCommentary
from cshub.reports.tests.conftest import PERIOD, QUERY

pytestmark = pytest.mark.django_db
URL = "/reports/problem-profile/"
PDF = "/reports/problem-profile/pdf/"
NAMES = ["Golden Fry", "Station Hotel", "Dean Marlowe", "Marlowe", "Blade line"]


def _pdf_pages(response):
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    body = response.content
    assert body.startswith(b"%PDF")
    return [page.extract_text() for page in PdfReader(io.BytesIO(body)).pages]


def test_counts_only_without_intelligence_access_in_the_page_and_the_pdf(area, client_for):
    for role in ("analyst", "strategic_lead"):
        client = client_for(role)
        page = client.get(f"{URL}?{QUERY}").content.decode()
        assert "Adults of concern linked to children" in page
        text = " ".join(_pdf_pages(client.get(f"{PDF}?{QUERY}")))
        assert "Adults of concern linked to children" in text
        for name in [*NAMES, area["amir"].surname]:
            assert name not in page, (role, name)
            assert name not in text, (role, name)


def test_a_manager_sees_the_subjects_named(area, client_for):
    client = client_for("team_manager")
    page = client.get(f"{URL}?{QUERY}").content.decode()
    assert "Golden Fry" in page and "Dean Marlowe" in page and "Blade line" in page
    assert area["amir"].surname not in page  # children are never named
    text = " ".join(_pdf_pages(client.get(f"{PDF}?{QUERY}")))
    assert "Golden Fry" in text and "Dean Marlowe" in text


def test_the_published_version_suppresses_small_numbers_and_their_complement(area, client_for):
    built = profile.build(PERIOD, area["worker"], published=True)
    children = next(s for s in built.sections if s.key == "children")
    genders = next(c for c in children.charts if c.title == "Children referred, by gender")
    rows = dict(genders.rows)
    # 6 boys and 1 girl of 7: the 1 is suppressed, and the 6 with it (else 7 - 6 gives it away).
    assert rows["Girls and young women"][0] == "c"
    assert rows["Boys and young men"][0] == "c"
    assert rows["Not known"][0] == "0"
    assert dict(children.facts)["Children referred in the period"] == "7"
    # The true figures, for the internal version:
    internal = profile.build(PERIOD, area["worker"], published=False)
    rows = dict(
        next(
            c for c in next(s for s in internal.sections if s.key == "children").charts if "gender" in c.title
        ).rows
    )
    assert rows["Girls and young women"][0] == "1" and rows["Boys and young men"][0] == "6"


def test_the_published_pdf_names_no_staff_and_no_subject(area, client_for, personas):
    lead = client_for("strategic_lead")
    lead.post(f"{URL}?{QUERY}", {"section": "places", "places-text": "The takeaway again."})
    manager = client_for("team_manager")
    internal = " ".join(_pdf_pages(manager.get(f"{PDF}?{QUERY}")))
    assert "Strategic Lead Persona" in internal and "Team Manager Persona" in internal  # author; printed by
    published = " ".join(_pdf_pages(manager.get(f"{PDF}?{QUERY}&version=published")))
    assert "The takeaway again." in published
    for name in ["Persona", *NAMES]:
        assert name not in published, name
    page = manager.get(f"{URL}?{QUERY}&version=published").content.decode()
    assert "Golden Fry" not in page and "Strategic Lead Persona" not in page


def test_the_pdf_has_a_page_per_section_each_marked_and_numbered(area, client_for):
    pages = _pdf_pages(client_for("analyst").get(f"{PDF}?{QUERY}"))
    titles = [
        "Types of exploitation",
        "Places, wards and hotspots",
        "Groups and adults of concern",
        "Disruption activity",
        "The children",
        "Missing from home and care",
    ]
    assert len(pages) >= 1 + len(titles)
    for i, text in enumerate(pages, start=1):
        assert text.count("OFFICIAL-SENSITIVE") >= 2, i  # top and bottom of every page
        assert f"Page {i} of {len(pages)}" in text
    # each section begins a page of its own, in order, after the first page
    starts = [next(i for i, text in enumerate(pages) if text.startswith(t)) for t in titles]
    assert starts == sorted(starts) and starts[0] == 1
    assert "Disruptions by type" in " ".join(pages)


def test_the_pdf_download_is_audited_and_not_cached(area, client_for, personas):
    response = client_for("analyst").get(f"{PDF}?{QUERY}&version=published")
    assert "no-store" in response["Cache-Control"]
    assert "problem-profile-2025-06-01-to-2025-07-31-published.pdf" in response["Content-Disposition"]
    event = AuditEvent.objects.get(action=Action.EXPORT, actor=personas["analyst"])
    assert event.detail == {
        "report": "problem profile",
        "from": "2025-06-01",
        "to": "2025-07-31",
        "published": True,
    }


def test_commentary_is_written_per_period_and_section_through_the_action(area, client_for, personas):
    lead = client_for("strategic_lead")
    assert (
        b"Enter the commentary"
        in lead.post(f"{URL}?{QUERY}", {"section": "missing", "missing-text": " "}).content
    )
    response = lead.post(
        f"{URL}?{QUERY}", {"section": "missing", "missing-text": "Most go missing late on a Monday."}
    )
    assert response.status_code == 302 and response["Location"].endswith("#missing")
    entry = ProfileCommentary.objects.get()
    assert (entry.section, entry.period_start, entry.period_end) == ("missing", PERIOD.start, PERIOD.end)
    assert AuditEvent.objects.filter(
        action=Action.CREATE, object_type="reports.profilecommentary", object_id=str(entry.pk)
    ).exists()
    assert b"Most go missing late on a Monday." in lead.get(f"{URL}?{QUERY}").content
    assert b"Most go missing late on a Monday." not in lead.get(URL).content  # another period
    # Analysts read; they do not write.
    analyst = client_for("analyst")
    assert b"Save commentary" not in analyst.get(f"{URL}?{QUERY}").content
    analyst.post(f"{URL}?{QUERY}", {"section": "missing", "missing-text": "Not mine to write."})
    assert ProfileCommentary.objects.count() == 1


def _disruptions(area, **counts):
    for kind, n in counts.items():
        for _ in range(n):
            Disruption.objects.create(
                subject=area["adult"],
                disruption_type=kind,
                on=PERIOD.end,
                agency="POLICE",
                status="DONE",
                outcome="SUCCESSFUL",
                recorded_by=area["worker"],
                officer=area["worker"],
            )


def test_the_disruption_section_counts_what_was_done_and_names_no_one(area, client_for):
    _disruptions(area, ARREST=1, CAWN=6)
    section = profile.disruption_section(PERIOD, area["worker"])
    facts = dict(section.facts)
    assert facts["Disruptions done in the period"] == "7"
    assert facts["Arrests, charges and convictions"] == "1 · 0 · 0"
    rows = dict(section.charts[0].rows)
    assert rows["Child Abduction Warning Notice"][0] == "6" and rows["Arrest"][0] == "1"
    page = client_for("analyst").get(f"{URL}?{QUERY}").content.decode()
    assert "Disruptions by type" in page and area["adult"].name not in page


def test_the_published_disruption_section_suppresses_small_numbers_and_their_complement(area):
    _disruptions(area, ARREST=1, CAWN=6)
    section = profile.disruption_section(PERIOD, area["worker"], published=True)
    rows = dict(section.charts[0].rows)
    # 1 arrest of 7: the 1 is suppressed, and the 6 with it (else 7 - 6 gives it away).
    assert rows["Arrest"][0] == "c" and rows["Child Abduction Warning Notice"][0] == "c"
    assert dict(section.facts)["Disruptions done in the period"] == "7"


def test_the_year_to_date_by_default(client_for):
    from cshub.assurance import dashboard
    from cshub.core.dates import local_today

    today = local_today()
    start = dashboard.year_period(dashboard.reporting_year(today)).start
    page = client_for("analyst").get(URL).content.decode()
    from cshub.core.templatetags.govuk import govuk_date

    assert f"{govuk_date(start)} to {govuk_date(today)}" in page


def test_the_published_version_alone_keeps_the_default_period(client_for):
    page = client_for("analyst").get(f"{URL}?version=published").content.decode()
    assert "There is a problem" not in page and "This field is required" not in page
    assert "Types of exploitation" in page
