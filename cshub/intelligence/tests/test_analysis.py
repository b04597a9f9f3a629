import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cshub.conftest import make_child
from cshub.intelligence import actions, analysis
from cshub.intelligence.actions import Grading, LinkDetails, SubjectDetails
from cshub.people.actions import PersonDetails, create_person

pytestmark = pytest.mark.django_db


def _link(actor, subject, *, child=None, from_subject=None, link_type="SEEN_AT", seen=None, grading=None):
    return actions.record_link(
        LinkDetails(
            subject=subject,
            link_type=link_type,
            source_type="CASE_NOTE",
            child_id=child.pk if child else None,
            from_subject=from_subject,
            first_seen=seen,
            grading=grading,
        ),
        actor=actor,
    )


@pytest.fixture
def network(hub, personas):
    worker = personas["practitioner"]
    kids = [hub["child"], *(make_child(worker, f"Child{i}", "Testley") for i in range(3))]
    adult_person = create_person(
        PersonDetails(
            forename="Dean", surname="Marlowe", person_type="ADULT", date_of_birth=dt.date(1990, 1, 1)
        ),
        actor=worker,
    )
    adult = actions.create_subject(SubjectDetails(kind="ADULT", person_id=adult_person.pk), actor=worker)
    fry = actions.create_subject(
        SubjectDetails(kind="PLACE", name="Golden Fry", place_kind="TAKEAWAY"), actor=worker
    )
    old = actions.create_subject(
        SubjectDetails(kind="PLACE", name="Old Mill", place_kind="HOUSE"), actor=worker
    )
    recent = timezone.localdate() - dt.timedelta(days=10)
    long_ago = timezone.localdate() - dt.timedelta(days=400)
    for kid in kids[:3]:
        _link(worker, adult, child=kid, link_type="ASSOCIATES")
        _link(worker, fry, child=kid, seen=recent)
        _link(worker, old, child=kid, seen=long_ago)
    return {"kids": kids, "adult": adult, "fry": fry, "old": old, "worker": worker}


def test_analysis_finds_adults_hotspots_groups_and_children_sharing_subjects(network):
    g = analysis.load(network["worker"])
    kids = {k.pk for k in network["kids"][:3]}
    assert analysis.adults_linked_to(g, 3) == [(network["adult"].pk, kids)]
    assert analysis.adults_linked_to(g, 4) == []
    assert analysis.hotspots(g, 3) == [(network["fry"].pk, kids)]  # the Old Mill is a year ago
    groups = analysis.connected_groups(g)
    assert set(groups[0].children) & kids == kids
    pairs = analysis.children_sharing(g)
    assert len(pairs) == 3 and all(k == 3 for _, _, k in pairs)


def test_links_with_handling_conditions_are_left_out_for_others(network, personas):
    officer_agency_only = Grading("1", "A", "C")
    from cshub.access.actions import create_user

    police = create_user(
        "police.officer",
        agency="POLICE",
        roles=["practitioner"],
        actor=None,
        password="a-long-test-password-1",
    )
    fourth = network["kids"][3]
    _link(police, network["adult"], child=fourth, link_type="ASSOCIATES", grading=officer_agency_only)
    assert analysis.adults_linked_to(analysis.load(police), 4)
    assert not analysis.adults_linked_to(analysis.load(network["worker"]), 4)


def test_the_dashboard_names_for_workers_and_counts_for_analysts(network, client_for):
    page = client_for("practitioner").get(reverse("intelligence:dashboard")).content.decode()
    assert "Dean Marlowe" in page and "Golden Fry" in page and "Child0 Testley" in page
    counts = client_for("analyst").get(reverse("intelligence:dashboard")).content.decode()
    assert "Dean Marlowe" not in counts and "Testley" not in counts
    assert "Adults of concern linked to 3 children or more" in counts


def test_code_c_counts_for_the_agencies_named_not_an_agency_with_a_longer_code(network, personas):
    """The conditions are matched in the database: SOCIAL_CARE is not ADULT_SOCIAL_CARE."""
    from cshub.access.actions import create_user

    police = create_user("police.officer", agency="POLICE", roles=["practitioner"], actor=None)
    worker = network["worker"]  # social care
    fourth = network["kids"][3]
    _link(police, network["adult"], child=fourth, grading=Grading("1", "A", "C", ("ADULT_SOCIAL_CARE",)))
    assert not analysis.adults_linked_to(analysis.load(worker), 4)
    assert analysis.adults_linked_to(analysis.load(police), 4) == []  # not the police's either
    _link(police, network["fry"], child=fourth, grading=Grading("1", "A", "C", ("HEALTH", "SOCIAL_CARE")))
    g = analysis.load(worker)
    assert analysis.hotspots(g, 4) == [(network["fry"].pk, {k.pk for k in network["kids"]})]
    assert analysis.hotspots(analysis.load(police), 4) == []
    assert analysis.hotspots(analysis.load(personas["team_manager"]), 4)  # social care too


def test_the_graph_is_read_in_one_unsorted_query_of_the_links(network):
    """At a million links a second pass, a sort or a join per row costs seconds."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        g = analysis.load(network["worker"])
    on_links = [q["sql"] for q in captured.captured_queries if 'FROM "intelligence_link"' in q["sql"]]
    assert len(on_links) == 1 and "ORDER BY" not in on_links[0] and "JOIN" not in on_links[0]
    assert analysis.connected_groups(g)[0].children == sorted(k.pk for k in network["kids"][:3])


def test_a_subject_around_many_children_is_read_once_for_the_network(network):
    from cshub.intelligence import queries

    rows = queries.network(network["worker"], queries.Node("child", network["kids"][0].pk), queries.Filters())
    fry = [r.link.subject for r in rows if r.link.subject_id == network["fry"].pk]
    assert len(fry) == 3 and all(s is fry[0] for s in fry)
    assert {r.link.recorded_by.pk for r in rows if r.link.recorded_by} == {network["worker"].pk}


def test_the_dashboard_says_in_words_how_much_an_adult_holds_the_network_together(network, client_for):
    """Raw betweenness scores mean nothing to a worker: a rank (the list's order) and a band
    in plain words instead."""
    page = client_for("practitioner").get(reverse("intelligence:dashboard")).content.decode()
    section = page.split("Adults who hold the network together", 1)[1].split("<h2", 1)[0]
    assert '<ol class="govuk-list govuk-list--number">' in section
    assert "Dean Marlowe</a>: holds much of the network together" in section
    assert "betweenness" not in page.lower()
    assert not re.search(r"</a>: \d", section)


@pytest.mark.parametrize(
    ("score", "top", "words"),
    [
        (40.0, 40.0, "holds much of the network together"),
        (20.0, 40.0, "holds much of the network together"),
        (8.0, 40.0, "holds part of the network together"),
        (1.0, 40.0, "a minor link in the network"),
    ],
)
def test_betweenness_bands(score, top, words):
    assert analysis.holds_together(score, top) == words
