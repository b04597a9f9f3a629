import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cshub.access.actions import create_user
from cshub.audit.models import AuditEvent
from cshub.conftest import make_child
from cshub.intelligence import actions, capture, normalise
from cshub.intelligence.actions import Grading, LinkDetails, SubjectDetails
from cshub.intelligence.models import Alert, Link, Subject
from cshub.meetings import agenda
from cshub.meetings.models import SourceKind
from cshub.missing import actions as missing
from cshub.missing.models import InterviewEntry
from cshub.people.actions import PersonDetails, create_person
from cshub.people.models import TimelineEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(db):
    return create_user(
        "police.officer",
        agency="POLICE",
        roles=["practitioner"],
        actor=None,
        password="a-long-test-password-1",
    )


def _adult(actor, forename="Dean", surname="Marlowe"):
    return create_person(
        PersonDetails(
            forename=forename, surname=surname, person_type="ADULT", date_of_birth=dt.date(1990, 4, 2)
        ),
        actor=actor,
    )


def _link(child, subject, actor, **kw):
    return actions.record_link(
        LinkDetails(
            subject=subject,
            link_type=kw.pop("link_type", "SEEN_AT"),
            source_type=kw.pop("source_type", "POLICE"),
            child_id=child.pk,
            **kw,
        ),
        actor=actor,
    )


@pytest.mark.parametrize(
    ("typed", "plate"), [("AB12 CDE", "AB12CDE"), ("ab12cde", "AB12CDE"), ("a123 bcd", "A123BCD")]
)
def test_plates_are_normalised(typed, plate):
    assert normalise.plate(typed) == plate


@pytest.mark.parametrize("typed", ["07700 900123", "+44 7700 900123", "(07700) 900-123"])
def test_phones_are_e164(typed):
    assert normalise.phone(typed) == "+447700900123"


@pytest.mark.parametrize(
    ("kind", "typed"), [("VEHICLE", "Silver Audi"), ("PHONE", "12345"), ("PHONE", "call me")]
)
def test_bad_plates_and_phones_are_refused_with_a_message_and_nothing_written(personas, kind, typed):
    with pytest.raises(ValidationError) as err:
        actions.create_subject(SubjectDetails(kind=kind, name=typed), actor=personas["practitioner"])
    assert "like" in err.value.message_dict["name"][0]
    assert not Subject.objects.exists()


def test_the_same_plate_typed_twice_is_one_subject(personas):
    worker = personas["practitioner"]
    car = actions.create_subject(SubjectDetails(kind="VEHICLE", name="ab12 cde"), actor=worker)
    assert car.name == "AB12CDE"
    with pytest.raises(ValidationError):
        actions.create_subject(SubjectDetails(kind="VEHICLE", name="AB12CDE"), actor=worker)
    assert AuditEvent.objects.filter(object_type="intelligence.subject", action="CREATE").count() == 1


def test_a_link_to_a_child_is_audited_on_the_childs_timeline_and_graded_by_rule(hub, personas):
    worker = personas["practitioner"]
    place = actions.create_subject(
        SubjectDetails(kind="PLACE", name="Golden Fry", place_kind="TAKEAWAY", postcode="m1 1ae"),
        actor=worker,
    )
    assert place.postcode == "M1 1AE"
    link = _link(hub["child"], place, worker, first_seen=dt.date(2026, 11, 1))
    assert link.graded_by_rule and link.grading == "2CC"  # the hub's rule for police entries
    assert link.agencies == ["POLICE"]
    assert (
        TimelineEntry.objects.filter(person=hub["child"], kind="INTELLIGENCE", source_id=str(link.pk)).count()
        == 1
    )
    assert AuditEvent.objects.filter(object_type="intelligence.link", child_id=hub["child"].pk).exists()


def test_handling_code_c_hides_the_content_from_other_agencies(hub, personas, officer):
    place = actions.create_subject(
        SubjectDetails(kind="PLACE", name="Harbour Hotel", place_kind="HOTEL"), actor=officer
    )
    link = _link(hub["child"], place, officer, grading=Grading("1", "B", "C"))
    assert link.content_visible_to(officer) and not link.content_visible_to(personas["practitioner"])
    named = _link(
        hub["child"],
        place,
        officer,
        link_type="LIVES_AT",
        grading=Grading("1", "B", "C", named_user_ids=(personas["practitioner"].pk,)),
    )
    assert named.content_visible_to(personas["practitioner"]) and not named.content_visible_to(
        personas["team_manager"]
    )


def test_only_the_police_grade_and_only_within_the_scheme(hub, personas, officer):
    place = actions.create_subject(
        SubjectDetails(kind="PLACE", name="Harbour Hotel", place_kind="HOTEL"), actor=officer
    )
    with pytest.raises(ValidationError) as err:
        _link(hub["child"], place, personas["practitioner"], grading=Grading("1", "A", "P"))
    assert "police" in err.value.message_dict["source_evaluation"][0]
    with pytest.raises(ValidationError) as err:
        _link(hub["child"], place, officer, grading=Grading("4", "F", "X"))
    assert {"source_evaluation", "assessment", "handling"} <= set(err.value.message_dict)
    link = _link(hub["child"], place, personas["practitioner"])
    with pytest.raises(ValidationError):
        actions.grade_link(link, Grading("1", "A", "P"), actor=personas["practitioner"])
    actions.grade_link(link, Grading("1", "A", "P"), actor=officer)
    link.refresh_from_db()
    assert link.grading == "1AP" and not link.graded_by_rule and link.graded_by == officer
    assert Link.objects.filter(subject=place).count() == 1


def test_a_link_to_a_child_the_user_may_not_see_writes_nothing(hub, personas):
    worker = personas["practitioner"]
    place = actions.create_subject(
        SubjectDetails(kind="PLACE", name="Harbour Hotel", place_kind="HOTEL"), actor=worker
    )
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as err:
        _link(hub["restricted"], place, worker)
    assert "may not see" in err.value.message_dict["child"][0]
    assert not Link.objects.filter(subject=place).exists() and AuditEvent.objects.count() == before


def test_an_adult_of_concern_is_a_person_index_adult(hub, personas):
    worker = personas["practitioner"]
    adult = _adult(worker)
    subject = actions.create_subject(SubjectDetails(kind="ADULT", person_id=adult.pk), actor=worker)
    assert subject.name == "Dean Marlowe"
    with pytest.raises(ValidationError) as err:
        actions.create_subject(SubjectDetails(kind="ADULT", person_id=hub["child"].pk), actor=worker)
    assert "adult" in err.value.message_dict["person"][0]


def _interview(child, actor, entries, **found):
    returned = timezone.now() - dt.timedelta(hours=20)
    episode = missing.record_missing_episode(
        child,
        missing.MissingReport(reported_at=returned - dt.timedelta(hours=10), returned_at=returned, **found),
        actor=actor,
    )
    missing.record_return_interview(
        episode,
        missing.InterviewRecord(
            outcome="COMPLETED", completed_at=returned + dt.timedelta(hours=5), entries=entries
        ),
        actor=actor,
    )
    return episode


def test_interview_entries_become_links_matched_to_known_subjects_or_proposed(hub, personas):
    worker = personas["practitioner"]
    car = actions.create_subject(SubjectDetails(kind="VEHICLE", name="AB12 CDE"), actor=worker)
    other = make_child(worker, "Ola", "Brennock")
    _interview(
        hub["child"],
        personas["missing_worker"],
        (("VEHICLE", "ab12cde", "picked up"), ("PLACE", "Golden Fry", "")),
    )
    _interview(
        other, personas["missing_worker"], (("PLACE", "golden fry!", ""), ("PHONE", "not a number", ""))
    )
    assert Link.objects.get(child=hub["child"], subject=car).source_type == "RETURN_INTERVIEW"
    fry = Subject.objects.get(kind="PLACE", name="Golden Fry")
    assert not fry.confirmed and fry.links_in.count() == 2  # one proposal, linked to both children
    assert not Subject.objects.filter(kind="PHONE").exists()  # not a phone number: not proposed as one
    confirmed = actions.confirm_subject(fry, actor=worker)
    assert confirmed.confirmed


def test_only_real_phone_numbers_are_proposed_as_phones(hub, personas, tmp_path):
    """ "Snapchat account" written as a phone entry is not a phone: only what the phonenumbers
    library reads as a number becomes a phone subject, on the page and in an import."""
    _interview(
        hub["child"],
        personas["missing_worker"],
        (("PHONE", "Snapchat account", "messages him"), ("PHONE", "07700 900123", "")),
    )
    assert list(Subject.objects.filter(kind="PHONE").values_list("key", flat=True)) == ["+447700900123"]
    entry = InterviewEntry.objects.get(value="Snapchat account")  # still recorded, as the child said it
    captured = capture.capture_entries([entry.pk], actor=None)
    assert captured.subjects == [] and captured.links == []
    assert Subject.objects.filter(kind="PHONE").count() == 1


def test_found_with_an_adult_of_concern_becomes_a_link_to_their_record(hub, personas):
    worker = personas["practitioner"]
    adult = _adult(worker)
    _interview(
        hub["child"],
        worker,
        (),
        found_location="Harbour Hotel",
        found_with="Dean Marlowe",
        found_with_adult_of_concern=True,
    )
    link = Link.objects.get(link_type="FOUND_WITH")
    assert link.subject.person == adult and link.source_type == "MISSING_EPISODE"
    assert Link.objects.filter(link_type="FOUND_AT", subject__name="Harbour Hotel").exists()


def test_an_unrecognised_plate_never_stops_the_interview_and_is_proposed_as_given(hub, personas):
    episode = _interview(hub["child"], personas["missing_worker"], (("VEHICLE", "x" * 200, ""),))
    assert episode.interviews.exists()
    assert Subject.objects.get(kind="VEHICLE", confirmed=False).key.startswith("as given:")


def test_an_adult_reaching_n_children_and_a_child_joining_a_group_go_on_the_daily_agenda(
    hub, personas, settings
):
    settings.CSHUB_INTEL_ADULT_CHILDREN = 2
    worker = personas["practitioner"]
    adult = actions.create_subject(SubjectDetails(kind="ADULT", person_id=_adult(worker).pk), actor=worker)
    line = actions.create_subject(
        SubjectDetails(kind="GROUP", name="Blade line", group_kind="COUNTY_LINE"), actor=worker
    )
    actions.record_link(
        LinkDetails(subject=line, from_subject=adult, link_type="MEMBER_OF", source_type="CASE_NOTE"),
        actor=worker,
    )
    _link(hub["child"], adult, worker, link_type="ASSOCIATES", source_type="CASE_NOTE")
    assert not Alert.objects.filter(reason__contains="children").exists()
    alert = Alert.objects.get()
    assert "county line, Blade line" in alert.reason
    other = make_child(worker, "Ola", "Brennock")
    _link(other, adult, worker, link_type="ASSOCIATES", source_type="CASE_NOTE")
    assert Alert.objects.filter(child=other, reason__contains="2 children").exists()
    from cshub.meetings.models import Meeting, MeetingType

    meeting = Meeting.objects.create(
        meeting_type=MeetingType.objects.get(code="daily"),
        date=timezone.localdate() + dt.timedelta(days=int(timezone.localtime().time() >= dt.time(9, 30))),
        created_by=worker,
    )
    found = [c for c in agenda.candidates(meeting) if c.kind == SourceKind.INTELLIGENCE]
    assert len(found) == 3 and all("Brennock" not in c.reason for c in found)
    # Handling code C (the rule for police entries): the agenda learns only that it exists.
    _link(make_child(worker, "Sam", "Pellow"), adult, worker, link_type="ASSOCIATES")
    hidden = Alert.objects.filter(child__surname="Pellow")
    assert hidden and all(a.reason.startswith("A restricted item") for a in hidden)


def test_the_network_table_shows_a_restricted_child_without_a_name_and_audits_the_view(
    hub, personas, client_for
):
    manager = personas["team_manager"]  # named on the restricted record
    adult = actions.create_subject(SubjectDetails(kind="ADULT", person_id=_adult(manager).pk), actor=manager)
    _link(hub["child"], adult, manager, link_type="ASSOCIATES", source_type="CASE_NOTE")
    _link(hub["restricted"], adult, manager, link_type="ASSOCIATES", source_type="CASE_NOTE")
    page = (
        client_for("practitioner")
        .get(reverse("intelligence:child_network", args=[hub["child"].pk]), {"hops": "2"})
        .content.decode()
    )
    assert "Dean Marlowe" in page and "a restricted record" in page and "Cinderwick" not in page
    seen = client_for("practitioner").get(reverse("intelligence:subject", args=[adult.pk])).content.decode()
    assert "Ashcombe" in seen and "Cinderwick" not in seen
    assert AuditEvent.objects.filter(
        action="VIEW", object_type="intelligence.subject", object_id=str(adult.pk), child_id=adult.person_id
    ).exists()


def test_analysts_see_counts_never_names(hub, client_for):
    page = client_for("analyst").get(reverse("intelligence:dashboard")).content.decode()
    assert "Station car park" not in page and "Links" in page
    assert (
        "Station car park"
        in client_for("practitioner").get(reverse("intelligence:dashboard")).content.decode()
    )


def test_the_entry_forms_record_through_the_actions(hub, personas, client_for):
    client = client_for("practitioner")
    bad = client.post(reverse("intelligence:new_subject"), {"kind": "PHONE", "name": "12"})
    assert bad.status_code == 200 and "like 07700 900123" in bad.content.decode()
    made = client.post(reverse("intelligence:new_subject"), {"kind": "PHONE", "name": "07700 900123"})
    phone = Subject.objects.get(kind="PHONE")
    assert made.status_code == 302 and phone.name == "+447700900123"
    linked = client.post(
        reverse("intelligence:new_child_link", args=[hub["child"].pk]),
        {
            "subject": phone.pk,
            "link_type": "CONTACTS",
            "source_type": "CASE_NOTE",
            "detail": "Texts late at night",
        },
    )
    assert linked.status_code == 302 and Link.objects.filter(subject=phone, child=hub["child"]).exists()


def test_a_proposed_adult_named_by_several_children_raises_no_alert_until_confirmed(hub, personas, settings):
    settings.CSHUB_INTEL_ADULT_CHILDREN = 2
    worker = personas["missing_worker"]
    for child in (hub["child"], make_child(worker, "Ola", "Brennock")):
        _interview(child, worker, (("PERSON", "'Jay', about 20", "Gives lifts"),))
    jay = Subject.objects.get(kind="ADULT", confirmed=False)
    assert jay.links_in.count() == 2 and not Alert.objects.exists()


def test_the_data_migration_turns_existing_interview_entries_into_subjects_and_links(hub, personas):
    import importlib
    from unittest import mock

    from django.apps import apps

    from cshub.missing import signals

    migration = importlib.import_module("cshub.intelligence.migrations.0002_seed_and_capture")
    worker = personas["missing_worker"]
    other = make_child(worker, "Ola", "Brennock")
    with mock.patch.object(signals.interview_recorded, "send"):  # as before this room existed
        _interview(hub["child"], worker, (("VEHICLE", "ab12 cde", ""), ("PLACE", "Flat 3, Larch Court", "")))
        _interview(other, worker, (("VEHICLE", "AB12CDE", "picked up"), ("PHONE", "07700 900123", "")))
    assert not Link.objects.filter(source_type="RETURN_INTERVIEW").exists()
    migration.forwards(apps, None)
    car = Subject.objects.get(kind="VEHICLE")
    assert car.key == "AB12CDE" and not car.confirmed
    assert set(car.links_in.values_list("child__surname", flat=True)) == {"Ashcombe", "Brennock"}
    assert Subject.objects.get(kind="PHONE").key == "+447700900123"
    assert Link.objects.filter(source_type="RETURN_INTERVIEW").count() == 4
    migration.forwards(apps, None)  # run twice: nothing new
    assert Link.objects.filter(source_type="RETURN_INTERVIEW").count() == 4


def test_an_adult_of_concern_is_found_by_name_in_the_person_index_and_chosen(hub, personas, client_for):
    adult = _adult(personas["practitioner"])
    client = client_for("practitioner")
    found = client.post(reverse("intelligence:new_subject"), {"kind": "ADULT", "name": "Dean Marlow"})
    page = found.content.decode()
    assert found.status_code == 200 and "Which adult is it?" in page and f'value="{adult.pk}"' in page
    assert not Subject.objects.filter(kind="ADULT").exists()
    nobody = client.post(
        reverse("intelligence:new_subject"), {"kind": "ADULT", "name": "Zebedee Quartermaine"}
    )
    assert "add them on" in nobody.content.decode()
    chosen = client.post(
        reverse("intelligence:new_subject"), {"kind": "ADULT", "name": "Dean Marlow", "person": adult.pk}
    )
    assert chosen.status_code == 302 and Subject.objects.get(kind="ADULT").person == adult


def test_the_network_page_holds_the_drawing_data_without_restricted_names(hub, personas, client_for):
    manager = personas["team_manager"]
    hotel = actions.create_subject(
        SubjectDetails(kind="PLACE", name="Harbour Hotel", place_kind="HOTEL"), actor=manager
    )
    for child in (hub["child"], hub["restricted"]):
        _link(child, hotel, manager, source_type="CASE_NOTE")
    page = (
        client_for("practitioner")
        .get(reverse("intelligence:child_network", args=[hub["child"].pk]))
        .content.decode()
    )
    assert (
        'id="network-data"' in page
        and "intelligence/network.js" in page
        and "data-network-drawing hidden" in page  # the drawing and its key, until drawn
    )
    data = page[page.index('id="network-data"') :]
    data = data[: data.index("</script>")]
    assert "Harbour Hotel" in data and "a restricted record" in data and "Cinderwick" not in data
    around = (
        client_for("practitioner")
        .get(reverse("intelligence:subject_network", args=[hotel.pk]))
        .content.decode()
    )
    title = around[around.index("<title>") : around.index("</title>")]
    assert "<script" not in title and '"nodes": [' in around and "Kofi Ashcombe" in around


def test_the_hub_sets_the_grading_by_rule_for_captured_links(hub, personas, client_for):
    client = client_for("team_manager")
    url = reverse("intelligence:grading_rules")
    bad = client.post(url, {"source_type": "RETURN_INTERVIEW", "return_interview-source_evaluation": "7"})
    assert bad.status_code == 200 and "Select a valid choice" in bad.content.decode()
    saved = client.post(
        url,
        {
            "source_type": "RETURN_INTERVIEW",
            "return_interview-source_evaluation": "1",
            "return_interview-assessment": "B",
            "return_interview-handling": "P",
        },
    )
    assert saved.status_code == 302
    _interview(hub["child"], personas["missing_worker"], (("VEHICLE", "AB12 CDE", ""),))
    link = Link.objects.get(source_type="RETURN_INTERVIEW")
    assert link.grading == "1BP" and link.graded_by_rule
    assert AuditEvent.objects.filter(object_type="intelligence.gradingrule", action="UPDATE").exists()


def test_a_proposed_adult_is_confirmed_as_a_person_index_adult(hub, personas, client_for):
    worker = personas["practitioner"]
    _interview(hub["child"], personas["missing_worker"], (("PERSON", "Dean Marlo, about 30", ""),))
    proposed = Subject.objects.get(kind="ADULT", confirmed=False)
    adult = _adult(worker)
    client = client_for("practitioner")
    page = client.get(reverse("intelligence:subject", args=[proposed.pk])).content.decode()
    assert "Which adult in the person index is it?" in page and f'value="{adult.pk}"' in page
    refused = client.post(reverse("intelligence:confirm", args=[proposed.pk]), follow=True)
    assert "Select the adult" in refused.content.decode()
    client.post(reverse("intelligence:confirm", args=[proposed.pk]), {"person": adult.pk})
    proposed.refresh_from_db()
    assert proposed.confirmed and proposed.person == adult and proposed.name == "Dean Marlowe"


def test_the_childs_page_leads_to_their_network(hub, client_for):
    page = client_for("practitioner").get(reverse("casework:child", args=[hub["child"].pk])).content.decode()
    assert reverse("intelligence:child_network", args=[hub["child"].pk]) in page and "1 link to" in page


def test_the_network_filters_by_the_exploitation_type_the_children_were_referred_for(
    hub, personas, client_for
):
    from cshub.conftest import make_referral

    worker = personas["practitioner"]
    hotel = actions.create_subject(
        SubjectDetails(kind="PLACE", name="Harbour Hotel", place_kind="HOTEL"), actor=worker
    )
    cse = make_child(worker, "Ola", "Brennock")
    make_referral(cse, worker, kind="CSE")
    for child in (hub["child"], cse):
        _link(child, hotel, worker, source_type="CASE_NOTE")
    url = reverse("intelligence:subject_network", args=[hotel.pk])
    page = client_for("practitioner").get(url, {"hops": "1", "exploitation": "CSE"}).content.decode()
    assert "Ola Brennock" in page and "Kofi Ashcombe" not in page


def test_the_network_filters_by_when_a_link_was_last_seen_with_a_govuk_date(hub, personas, client_for):
    worker = personas["practitioner"]
    hotel = actions.create_subject(
        SubjectDetails(kind="PLACE", name="Quayside Hotel", place_kind="HOTEL"), actor=worker
    )
    recent = make_child(worker, "Ola", "Brennock")
    _link(recent, hotel, worker, source_type="CASE_NOTE", last_seen=dt.date(2026, 10, 2))
    _link(hub["child"], hotel, worker, source_type="CASE_NOTE", last_seen=dt.date(2025, 1, 9))
    url = reverse("intelligence:subject_network", args=[hotel.pk])
    client = client_for("practitioner")
    page = client.get(url, {"hops": "1", "since_day": "1", "since_month": "9", "since_year": "2026"})
    assert "Ola Brennock" in page.content.decode() and "Kofi Ashcombe" not in page.content.decode()
    wrong = client.get(url, {"hops": "1", "since_day": "31", "since_month": "2", "since_year": "2026"})
    assert "must be a real date" in wrong.content.decode()
