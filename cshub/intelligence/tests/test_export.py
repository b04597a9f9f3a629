import io
import zipfile
from xml.etree import ElementTree as ET

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from cshub.audit.models import AuditEvent
from cshub.intelligence import actions
from cshub.intelligence.actions import LinkDetails, SubjectDetails

pytestmark = pytest.mark.django_db


@pytest.fixture
def view(hub, personas):
    manager = personas["team_manager"]  # named on the restricted record
    hotel = actions.create_subject(
        SubjectDetails(kind="PLACE", name="Harbour Hotel", place_kind="HOTEL"), actor=manager
    )
    for child in (hub["child"], hub["restricted"]):
        actions.record_link(
            LinkDetails(subject=hotel, link_type="SEEN_AT", source_type="CASE_NOTE", child_id=child.pk),
            actor=manager,
        )
    actions.record_link(  # code C by the rule for police entries: left out for social care
        LinkDetails(subject=hotel, link_type="LIVES_AT", source_type="POLICE", child_id=hub["child"].pk),
        actor=manager,
    )
    return hotel


def test_the_anx_chart_declares_every_type_and_links_only_entities_it_holds(hub, view, client_for):
    response = client_for("practitioner").get(
        reverse("intelligence:subject_export", args=[view.pk]), {"format": "anx", "hops": "1"}
    )
    assert response.status_code == 200 and response["Content-Disposition"].endswith('network.anx"')
    root = ET.fromstring(response.content)  # noqa: S314 - our own output
    assert root.tag == "Chart"
    entity_types = {e.get("Name") for e in root.iter("EntityType")}
    link_types = {e.get("Name") for e in root.iter("LinkType")}
    entities = {e.get("EntityId"): e for e in root.iter("Entity")}
    assert {e.find("Icon/IconStyle").get("Type") for e in entities.values()} <= entity_types
    links = list(root.iter("Link"))
    assert len(links) == 2  # the code C link is left out
    for link in links:
        assert link.get("End1Id") in entities and link.get("End2Id") in entities
        assert link.find("LinkStyle").get("Type") in link_types
    labels = {e.get("Identity") for e in entities.values()}
    assert "Kofi Ashcombe" in labels and "a restricted record" in labels and "Tia Cinderwick" not in labels
    grading = [a.get("Value") for a in root.iter("Attribute") if a.get("AttributeClass") == "Grading"]
    assert grading == ["2CP", "2CP"]
    summary = {p.get("Name"): p.get("Value") for p in root.iter("CustomProperty")}
    assert summary["Exported by"].startswith("Practitioner Persona") and summary["Handling codes"] == "P"
    assert summary["Items with handling conditions left out"] == "1"
    assert AuditEvent.objects.filter(action="EXPORT", object_type="intelligence.subject").exists()
    assert AuditEvent.objects.filter(action="EXPORT", child_id=hub["child"].pk).exists()


def test_the_csv_export_is_entities_and_links(view, client_for):
    response = client_for("practitioner").get(
        reverse("intelligence:subject_export", args=[view.pk]), {"format": "csv", "hops": "1"}
    )
    files = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(files.namelist()) == ["entities.csv", "links.csv"]
    assert "Harbour Hotel" in files.read("entities.csv").decode()
    assert files.read("links.csv").decode().count("Seen at") == 2


def test_an_empty_view_says_so_and_exports_nothing(hub, personas, client_for):
    lonely = actions.create_subject(
        SubjectDetails(kind="VEHICLE", name="AB12 CDE"), actor=personas["practitioner"]
    )
    response = client_for("practitioner").get(
        reverse("intelligence:subject_export", args=[lonely.pk]), follow=True
    )
    assert "There is nothing to export" in response.content.decode()
    assert not AuditEvent.objects.filter(action="EXPORT").exists()


def test_the_console_export_keeps_the_same_rules(hub, view, personas, tmp_path):
    out = tmp_path / "chart.anx"
    call_command(
        "intelligence", "export", "--around", f"subject:{view.pk}", "--user", "practitioner.user", str(out)
    )
    assert ET.parse(out).getroot().tag == "Chart"  # noqa: S314 - our own output
    assert AuditEvent.objects.filter(action="EXPORT", via="command").exists()
    with pytest.raises(CommandError, match="may not see"):
        call_command(
            "intelligence",
            "export",
            "--around",
            f"child:{hub['restricted'].pk}",
            "--user",
            "practitioner.user",
            str(out),
        )
    with pytest.raises(CommandError, match="may not see intelligence"):
        call_command(
            "intelligence", "export", "--around", f"subject:{view.pk}", "--user", "analyst.user", str(out)
        )


def test_a_name_that_looks_like_a_formula_is_text_in_the_csv(hub, client_for, personas):
    """A spreadsheet would run `=HYPERLINK(…)` as a formula (CSV injection): written as text."""
    manager = personas["team_manager"]
    bait = actions.create_subject(
        SubjectDetails(kind="PLACE", name='=HYPERLINK("http://example.invalid","Open")', place_kind="HOTEL"),
        actor=manager,
    )
    actions.record_link(
        LinkDetails(subject=bait, link_type="SEEN_AT", source_type="CASE_NOTE", child_id=hub["child"].pk),
        actor=manager,
    )
    response = client_for("practitioner").get(
        reverse("intelligence:subject_export", args=[bait.pk]), {"format": "csv", "hops": "1"}
    )
    entities = zipfile.ZipFile(io.BytesIO(response.content)).read("entities.csv").decode()
    assert "'=HYPERLINK" in entities
    assert not any(cell.startswith("=") for line in entities.splitlines() for cell in line.split(","))
