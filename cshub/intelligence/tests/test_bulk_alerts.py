"""Alerts for links written in bulk (an import): the same alerts as the links recorded one
by one, in a handful of queries whatever the number of links."""

import datetime as dt

import pytest
from django.db import transaction

from cshub.conftest import make_child
from cshub.intelligence import actions, alerts
from cshub.intelligence.actions import LinkDetails, SubjectDetails
from cshub.intelligence.models import Alert, Link, Subject
from cshub.people.actions import PersonDetails, create_person

pytestmark = pytest.mark.django_db


class RollbackError(Exception):
    pass


def _network(worker):
    adult_record = create_person(
        PersonDetails(
            forename="Dean", surname="Marlowe", person_type="ADULT", date_of_birth=dt.date(1990, 4, 2)
        ),
        actor=worker,
    )
    adult = actions.create_subject(SubjectDetails(kind="ADULT", person_id=adult_record.pk), actor=worker)
    line = actions.create_subject(
        SubjectDetails(kind="GROUP", name="Blade line", group_kind="COUNTY_LINE"), actor=worker
    )
    peers = actions.create_subject(
        SubjectDetails(kind="GROUP", name="Eastside", group_kind="PEER"), actor=worker
    )
    car = actions.create_subject(SubjectDetails(kind="VEHICLE", name="AB12 CDE"), actor=worker)
    phone = actions.create_subject(SubjectDetails(kind="PHONE", name="07700 900123"), actor=worker)
    for member, group in ((adult, line), (car, line), (car, peers)):
        actions.record_link(
            LinkDetails(subject=group, from_subject=member, link_type="MEMBER_OF", source_type="CASE_NOTE"),
            actor=worker,
        )
    return adult, line, peers, car, phone


def test_bulk_alerts_are_the_alerts_of_the_same_links_recorded_one_by_one(hub, personas, settings):
    settings.CSHUB_INTEL_ADULT_CHILDREN = 2
    worker = personas["practitioner"]
    adult, line, peers, car, phone = _network(worker)
    kids = [hub["child"], *(make_child(worker, name, "Brennock") for name in ("Ola", "Sam", "Tia"))]
    plan = [  # (child, subject, link type, source type): POLICE is graded 2CC by rule
        (0, adult, "ASSOCIATES", "CASE_NOTE"),
        (0, line, "MEMBER_OF", "CASE_NOTE"),  # already linked to the line through the adult
        (1, car, "TRAVELS_IN", "CASE_NOTE"),  # joins two groups through a vehicle
        (1, adult, "ASSOCIATES", "CASE_NOTE"),  # the adult's second child
        (1, adult, "EXPLOITS", "CASE_NOTE"),  # the same adult again: nothing new
        (2, phone, "CONTACTS", "CASE_NOTE"),  # no group, no adult
        (2, adult, "ASSOCIATES", "POLICE"),  # code C: the reason says only that it exists
        (3, peers, "MEMBER_OF", "CASE_NOTE"),
    ]

    def raised():
        return sorted((a.link.child_id, a.subject_id, a.reason) for a in Alert.objects.select_related("link"))

    held = Link.objects.count()
    seen: list[list[tuple[int, int, str]]] = []

    def one_at_a_time() -> None:
        with transaction.atomic():
            for n, subject, link_type, source in plan:
                actions.record_link(
                    LinkDetails(
                        subject=subject, link_type=link_type, source_type=source, child_id=kids[n].pk
                    ),
                    actor=worker,
                )
            seen.append(raised())
            raise RollbackError  # and the links and alerts are gone again

    with pytest.raises(RollbackError):
        one_at_a_time()
    one_by_one = seen[0]
    assert not Alert.objects.exists() and Link.objects.count() == held

    links = []
    for n, subject, link_type, source in plan:
        grading = actions.rule_grading(source)
        links.append(
            Link(
                child=kids[n],
                subject=subject,
                link_type=link_type,
                source_type=source,
                source_evaluation=grading.source_evaluation,
                assessment=grading.assessment,
                handling=grading.handling,
                recorded_by=worker,
            )
        )
    Link.objects.bulk_create(links)
    assert alerts.raise_for_links([link.pk for link in links]) == len(one_by_one)
    assert raised() == one_by_one
    reasons = [reason for _, _, reason in one_by_one]
    assert "New link to an existing county line, Blade line through a vehicle." in reasons
    assert "New link to an existing peer group, Eastside." in reasons
    assert "An adult of concern is now linked to 2 children." in reasons
    assert any(r.startswith("A restricted item") for r in reasons)
    assert len(one_by_one) == 9


def test_bulk_alerts_take_the_same_few_queries_for_many_links(
    hub, personas, settings, django_assert_max_num_queries
):
    settings.CSHUB_INTEL_ADULT_CHILDREN = 2
    worker = personas["practitioner"]
    adult, _line, _peers, car, phone = _network(worker)
    children = [make_child(worker, f"Child{n}", "Brennock") for n in range(30)]
    links = Link.objects.bulk_create(
        Link(
            child=child,
            subject=subject,
            link_type="ASSOCIATES",
            source_type="CASE_NOTE",
            source_evaluation="2",
            assessment="C",
            handling="P",
            recorded_by=worker,
        )
        for child in children
        for subject in (adult, car, phone)
    )
    with django_assert_max_num_queries(12):
        count = alerts.raise_for_links([link.pk for link in links])
    # Every child joins the county line through the adult and both groups through the car;
    # the adult is linked to 2, 3, ... 30 children.
    assert count == 30 + 30 * 2 + 29


def test_capture_in_bulk_gives_what_capture_one_interview_at_a_time_gives(hub, personas):
    from unittest import mock

    from cshub.intelligence import capture
    from cshub.missing import actions as missing
    from cshub.missing import signals
    from cshub.missing.models import InterviewEntry
    from cshub.people.models import TimelineEntry

    worker = personas["missing_worker"]
    adult = create_person(
        PersonDetails(
            forename="Dean", surname="Marlowe", person_type="ADULT", date_of_birth=dt.date(1990, 4, 2)
        ),
        actor=worker,
    )
    actions.create_subject(SubjectDetails(kind="VEHICLE", name="AB12 CDE"), actor=personas["practitioner"])
    actions.create_subject(
        SubjectDetails(kind="PLACE", name="Golden Fry", place_kind="TAKEAWAY", postcode="M1 1AE"),
        actor=personas["practitioner"],
    )
    entries = (
        ("VEHICLE", "ab12cde", "picked up"),
        ("PLACE", "golden fry!", ""),
        ("PLACE", "Larch Court", ""),
        ("PHONE", "07700 900123", ""),
        ("PHONE", "not a number", ""),
        ("PERSON", "Dean Marlowe", "gives lifts"),
        ("PERSON", "'Jay', about 20", ""),
        ("PLACE", "Dean Marlowe", "a place named as the adult is: still a place"),
    )
    other = make_child(worker, "Ola", "Brennock")
    episodes = []
    with mock.patch.object(signals.interview_recorded, "send"):  # as an import writes them
        for child in (hub["child"], other):
            returned = dt.datetime(2026, 10, 1, 18, tzinfo=dt.UTC)
            episode = missing.record_missing_episode(
                child,
                missing.MissingReport(reported_at=returned - dt.timedelta(hours=10), returned_at=returned),
                actor=worker,
            )
            missing.record_return_interview(
                episode,
                missing.InterviewRecord(
                    outcome="COMPLETED", completed_at=returned + dt.timedelta(hours=5), entries=entries
                ),
                actor=worker,
            )
            episodes.append(episode)

    def state():
        links = sorted(
            (
                lk.child_id,
                lk.subject.kind,
                lk.subject.key,
                lk.subject.name,
                lk.subject.confirmed,
                lk.subject.person_id,
                lk.link_type,
                lk.source_id,
                lk.detail,
                lk.first_seen,
                lk.grading,
            )
            for lk in Link.objects.filter(source_type="RETURN_INTERVIEW").select_related("subject")
        )
        return links, Subject.objects.count()

    snapshots = []

    def one_at_a_time() -> None:
        with transaction.atomic():
            for episode in episodes:
                capture.capture_interview(episode.interviews.get(), actor=worker)
            snapshots.append(state())
            raise RollbackError

    with pytest.raises(RollbackError):
        one_at_a_time()
    before = TimelineEntry.objects.count()
    ids = list(InterviewEntry.objects.values_list("pk", flat=True))
    result = capture.capture_entries(ids, actor=worker)
    assert state() == snapshots[0]
    # Two children, eight entries each; "not a number" is no phone: 7 links each.
    assert len(result.links) == 14 and {s.confirmed for s in result.subjects} == {False}
    assert any(lk.subject.person_id == adult.pk for lk in result.links)
    assert TimelineEntry.objects.count() == before  # the caller (the import) writes them
    assert capture.capture_entries(ids, actor=worker).links == []  # nothing twice
