"""Issue 14, pages: intelligence shared at a meeting item becomes links; naming users on a
code C link from the grading page; the network page's print layout."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from cshub.access.actions import create_user
from cshub.access.testing import sign_in_verified
from cshub.audit.models import AuditEvent
from cshub.intelligence import actions
from cshub.intelligence.actions import LinkDetails, SubjectDetails
from cshub.intelligence.models import Link, Subject
from cshub.meetings import actions as meetings
from cshub.meetings.models import MeetingType
from cshub.people.actions import PersonDetails, create_person
from cshub.people.models import TimelineEntry

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()  # noqa: DTZ011


@pytest.fixture
def officer(db):
    return create_user(
        "police.officer",
        agency="POLICE",
        roles=["practitioner"],
        actor=None,
        first_name="Pat",
        last_name="Constable",
        password="a-long-test-password-1",
    )


@pytest.fixture
def item(hub, personas):
    manager = personas["team_manager"]
    meeting = meetings.start_meeting(MeetingType.objects.get(code="daily"), TODAY, actor=manager, build=False)
    return meetings.add_item(meeting, "INTELLIGENCE", "Seen with older males", [hub["child"]], actor=manager)


def _url(item, child):
    return reverse("intelligence:meeting_item", args=[item.pk, child.pk])


ENTRY = {
    "kind": "VEHICLE",
    "name": "ab12 cde",
    "link_type": "TRAVELS_IN",
    "first_seen-day": "",
    "first_seen-month": "",
    "first_seen-year": "",
    "detail": "Picked up outside school",
}


def test_a_meeting_item_of_kind_intelligence_offers_to_record_what_was_shared(hub, item, client_for):
    page = client_for("practitioner").get(reverse("meetings:detail", args=[item.meeting_id])).content.decode()
    assert _url(item, hub["child"]) in page
    assert "Add intelligence from this item" in page


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("practitioner", 200),
        ("team_manager", 200),
        ("missing_worker", 403),
        ("analyst", 403),
        ("strategic_lead", 403),
        ("sysadmin", 403),
    ],
)
def test_who_may_open_intelligence_from_a_meeting_item(hub, item, client_for, role, status):
    assert client_for(role).get(_url(item, hub["child"])).status_code == status


def test_the_police_may_record_intelligence_from_a_meeting_item(hub, item, officer):
    client = sign_in_verified(Client(), officer)
    assert client.get(_url(item, hub["child"])).status_code == 200


def test_a_child_not_on_the_item_is_not_found(hub, item, client_for):
    assert client_for("practitioner").get(_url(item, hub["second"])).status_code == 404


def test_an_entry_becomes_a_link_from_the_meeting_item_once(hub, item, client_for):
    client = client_for("practitioner")
    first = client.post(_url(item, hub["child"]), ENTRY)
    assert first.status_code == 302
    link = Link.objects.get(child=hub["child"], source_type="MEETING_ITEM")
    assert link.source_type == "MEETING_ITEM" and link.source_id == str(item.pk)
    assert link.subject.kind == "VEHICLE" and link.subject.name == "AB12CDE" and not link.subject.confirmed
    assert link.graded_by_rule and link.grading == "2CP"  # the hub's rule for meeting items
    assert TimelineEntry.objects.filter(
        person=hub["child"], kind="INTELLIGENCE", source_id=str(link.pk)
    ).exists()
    again = client.post(_url(item, hub["child"]), ENTRY, follow=True)
    assert Link.objects.filter(child=hub["child"], source_type="MEETING_ITEM").count() == 1
    assert "already recorded" in again.content.decode()
    page = client.get(_url(item, hub["child"])).content.decode()
    assert "AB12CDE" in page  # what this item has recorded so far


def test_an_entry_matches_a_known_subject(hub, item, personas, client_for):
    car = actions.create_subject(
        SubjectDetails(kind="VEHICLE", name="AB12CDE"), actor=personas["practitioner"]
    )
    client_for("team_manager").post(_url(item, hub["child"]), ENTRY)
    assert Link.objects.get(child=hub["child"], source_type="MEETING_ITEM").subject == car
    assert Subject.objects.filter(kind="VEHICLE").count() == 1


def test_an_unreadable_plate_is_refused_with_a_message(hub, item, client_for):
    page = client_for("practitioner").post(_url(item, hub["child"]), ENTRY | {"name": "silver audi"})
    assert page.status_code == 200 and "like AB12 CDE" in page.content.decode()
    assert not Link.objects.filter(source_type="MEETING_ITEM").exists()


def test_an_adult_is_found_by_the_person_search_and_chosen(hub, item, personas, client_for):
    adult = create_person(
        PersonDetails(
            forename="Dean", surname="Marlowe", person_type="ADULT", date_of_birth=dt.date(1990, 4, 2)
        ),
        actor=personas["practitioner"],
    )
    client = client_for("practitioner")
    entry = ENTRY | {"kind": "ADULT", "name": "Dean Marlow", "link_type": "ASSOCIATES"}
    asked = client.post(_url(item, hub["child"]), entry)
    assert asked.status_code == 200 and "Dean Marlowe" in asked.content.decode()
    assert not Link.objects.filter(source_type="MEETING_ITEM").exists()
    client.post(_url(item, hub["child"]), entry | {"person": str(adult.pk)})
    link = Link.objects.get(child=hub["child"], source_type="MEETING_ITEM")
    assert link.subject.person == adult and link.source_id == str(item.pk)


def test_the_item_page_asks_for_a_place_kind_and_records_the_place(hub, item, client_for):
    client = client_for("practitioner")
    entry = ENTRY | {"kind": "PLACE", "name": "Golden Fry", "link_type": "SEEN_AT", "postcode": "m1 1ae"}
    refused = client.post(_url(item, hub["child"]), entry)
    assert "Select what kind of place it is" in refused.content.decode()
    client.post(_url(item, hub["child"]), entry | {"place_kind": "TAKEAWAY"})
    assert Link.objects.get(child=hub["child"], source_type="MEETING_ITEM").subject.postcode == "M1 1AE"


# --- naming users on a code C link ---


def _code_c_link(hub, officer):
    place = actions.create_subject(
        SubjectDetails(kind="PLACE", name="Harbour Hotel", place_kind="HOTEL"), actor=officer
    )
    return actions.record_link(
        LinkDetails(subject=place, link_type="SEEN_AT", source_type="POLICE", child_id=hub["child"].pk),
        actor=officer,
    )


def test_the_grading_page_names_users_who_then_see_a_code_c_link(hub, personas, officer, client_for):
    link = _code_c_link(hub, officer)
    police = sign_in_verified(Client(), officer)
    form = police.get(reverse("intelligence:grade", args=[link.pk])).content.decode()
    assert 'name="named_users"' in form and "Practitioner Persona" in form
    done = police.post(
        reverse("intelligence:grade", args=[link.pk]),
        {
            "source_evaluation": "1",
            "assessment": "B",
            "handling": "C",
            "named_users": [str(personas["practitioner"].pk)],
        },
    )
    assert done.status_code == 302
    link.refresh_from_db()
    assert list(link.named_users.all()) == [personas["practitioner"]]
    event = AuditEvent.objects.filter(object_type="intelligence.link", action="UPDATE").latest("id")
    assert event.detail["named"] == [personas["practitioner"].pk]
    url = reverse("intelligence:child_network", args=[hub["child"].pk])
    assert "Harbour Hotel" in client_for("practitioner").get(url).content.decode()
    other = client_for("team_manager").get(url).content.decode()
    assert "Harbour Hotel" not in other and "A restricted item" in other


def test_naming_users_needs_code_c(hub, personas, officer):
    link = _code_c_link(hub, officer)
    police = sign_in_verified(Client(), officer)
    page = police.post(
        reverse("intelligence:grade", args=[link.pk]),
        {
            "source_evaluation": "1",
            "assessment": "B",
            "handling": "P",
            "named_users": [str(personas["practitioner"].pk)],
        },
    )
    assert page.status_code == 200 and "Only code C has handling conditions" in page.content.decode()
    link.refresh_from_db()
    assert link.handling == "C" and not link.named_users.exists()


def test_only_people_who_may_see_intelligence_can_be_named(hub, personas, officer):
    link = _code_c_link(hub, officer)
    police = sign_in_verified(Client(), officer)
    form = police.get(reverse("intelligence:grade", args=[link.pk])).content.decode()
    assert "Analyst Persona" not in form and "Sysadmin Persona" not in form
    page = police.post(
        reverse("intelligence:grade", args=[link.pk]),
        {
            "source_evaluation": "1",
            "assessment": "B",
            "handling": "C",
            "named_users": [str(personas["analyst"].pk)],
        },
    )
    assert page.status_code == 200
    assert not Link.objects.get(pk=link.pk).named_users.exists()


@pytest.mark.parametrize(("role", "status"), [("practitioner", 403), ("team_manager", 403), ("analyst", 403)])
def test_only_police_officers_reach_the_grading_page(hub, officer, client_for, role, status):
    link = _code_c_link(hub, officer)
    assert client_for(role).get(reverse("intelligence:grade", args=[link.pk])).status_code == status


# --- the network page in print ---


def test_the_network_page_prints_with_its_marking_who_printed_it_and_the_handling_codes(
    hub, personas, officer, client_for
):
    _code_c_link(hub, officer)
    page = (
        sign_in_verified(Client(), officer)
        .get(reverse("intelligence:child_network", args=[hub["child"].pk]))
        .content.decode()
    )
    assert "OFFICIAL-SENSITIVE" in page
    assert "Printed by Pat Constable on" in page
    assert "Handling codes in this network:" in page and "C: Handling conditions apply" in page
    assert "intelligence/network-print.css" in page
