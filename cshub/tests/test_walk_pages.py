"""What a walk through the pages of issues 14 and 15 found (imports, intelligence)."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cshub.access.actions import create_user
from cshub.access.testing import sign_in_verified
from cshub.conftest import make_child
from cshub.intelligence import actions
from cshub.intelligence.actions import LinkDetails, SubjectDetails
from cshub.intelligence.models import Alert
from cshub.people.actions import PersonDetails, create_person

pytestmark = pytest.mark.django_db
EXTRACTS = Path(__file__).parents[1] / "interchange" / "tests" / "extracts"


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    settings.CSHUB_UPLOAD_DIR = tmp_path / "uploads"


def _upload_census(manager):
    xml = (EXTRACTS / "cin_census" / "cin_census_2025_26.xml").read_bytes()
    upload = SimpleUploadedFile("census.xml", xml, content_type="text/xml")
    assert manager.post("/imports/", {"files": upload})["Location"] == "/imports/review/"
    return manager.get("/imports/review/").content.decode()


def test_the_check_of_a_cin_census_says_what_each_part_of_the_file_holds(client_for):
    review = _upload_census(client_for("team_manager"))
    # one file gives several tables: each row of "Files read" names its records, not only the file
    for records in (
        "People",
        "CIN episodes (council)",
        "CIN assessments (council)",
        "Child protection plans (council)",
    ):
        assert f'<td class="govuk-table__cell">{records}</td>' in review


def test_the_files_read_and_the_problems_scroll_sideways_in_their_own_region_on_a_phone(client_for):
    # long file names in <code> made the check of an extract 514 px wide at 375 px
    review = _upload_census(client_for("team_manager"))
    assert 'class="cshub-scroll" tabindex="0" role="region" aria-label="Files read"' in review
    manager = client_for("team_manager")
    bad = b"pers_person_id,pers_forename,pers_surname,pers_dob\nC1,Kofi,Ashcombe,2010-13-01\n"
    manager.post("/imports/", {"files": SimpleUploadedFile("person.csv", bad)})
    review = manager.get("/imports/review/").content.decode()
    assert 'class="cshub-scroll" tabindex="0" role="region" aria-labelledby="problems"' in review


def _alert_for(child, worker, handling=None):
    adult = create_person(
        PersonDetails(
            forename="Dean", surname="Marlowe", person_type="ADULT", date_of_birth=dt.date(1990, 4, 2)
        ),
        actor=worker,
    )
    subject = actions.create_subject(SubjectDetails(kind="ADULT", person_id=adult.pk), actor=worker)
    line = actions.create_subject(
        SubjectDetails(kind="GROUP", name="Blade line", group_kind="COUNTY_LINE"), actor=worker
    )
    actions.record_link(
        LinkDetails(subject=line, from_subject=subject, link_type="MEMBER_OF", source_type="CASE_NOTE"),
        actor=worker,
    )
    actions.record_link(
        LinkDetails(subject=subject, link_type="ASSOCIATES", source_type="CASE_NOTE", child_id=child.pk),
        actor=worker,
    )
    return Alert.objects.get(child=child)


def test_an_alert_on_the_dashboard_names_the_child_who_joined_the_network(client_for, personas):
    worker = personas["practitioner"]
    child = make_child(worker, "Ola", "Brennock")
    _alert_for(child, worker)
    page = client_for("practitioner").get("/intelligence/").content.decode()
    alerts = page.split("Alerts: a child joined a network", 1)[1].split("</ul>", 1)[0]
    assert f'href="/children/{child.pk}/intelligence/">Ola Brennock</a>' in alerts


def test_the_dashboards_counts_of_subjects_are_in_the_plural(client_for, personas):
    worker = personas["practitioner"]
    _alert_for(make_child(worker, "Ola", "Brennock"), worker)
    page = client_for("practitioner").get("/intelligence/").content.decode()
    assert '<dt class="govuk-summary-list__key">Adults of concern</dt>' in page
    assert '<dt class="govuk-summary-list__key">Groups</dt>' in page


def test_the_grading_page_says_whose_link_it_grades(client, personas):
    worker = personas["practitioner"]
    child = make_child(worker, "Ola", "Brennock")
    link = _alert_for(child, worker).link
    officer = create_user(
        "police.officer",
        agency="POLICE",
        roles=["practitioner"],
        actor=None,
        password="a-long-test-password-1",
    )
    page = sign_in_verified(client, officer).get(f"/intelligence/links/{link.pk}/grade/").content.decode()
    assert '<p class="govuk-body">Ola Brennock: associates with Dean Marlowe. Now graded ' in page
