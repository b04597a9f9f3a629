"""The cross-border pages, role by role: who sees a match, who decides, who is named."""

from typing import Any

import pytest
from django.test import Client

from cshub.access.actions import create_user
from cshub.access.testing import sign_in_verified
from cshub.audit.models import Action, AuditEvent
from cshub.conftest import make_child
from cshub.crossborder import actions
from cshub.crossborder.models import InfoRequest, MatchStatus, RequestStatus, SummaryRead
from cshub.crossborder.testing import PURPOSE, make_match, other_hub, receive_request
from cshub.people import actions as people
from cshub.region.models import Direction, Message
from cshub.region.transport import dispatch

pytestmark = pytest.mark.django_db


def other_manager() -> Client:
    """A team manager of another team: not named on any restricted record."""
    user = create_user(
        "other.manager",
        agency="POLICE",
        roles=["team_manager"],
        actor=None,
        first_name="Other",
        last_name="Manager",
        password="a-long-test-password-1",
    )
    return sign_in_verified(Client(), user)


def test_a_practitioner_sees_the_match_on_the_childs_page_but_cannot_decide(
    personas: dict[str, Any], client_for: Any
) -> None:
    child = make_child(personas["practitioner"])
    match = make_match(child, other_hub("bury", "Bury hub"), score="0.934")
    worker = client_for("practitioner")
    page = worker.get(f"/children/{child.pk}/").content.decode()
    assert "Other hubs" in page
    assert "Bury hub" in page and "a possible match (0.93)" in page
    assert "To decide" in page
    assert f"/cross-border/matches/{match.pk}/decide/" not in page
    assert worker.get(f"/cross-border/matches/{match.pk}/").status_code == 200
    assert worker.get(f"/cross-border/matches/{match.pk}/decide/").status_code == 403
    assert (
        worker.post(
            f"/cross-border/matches/{match.pk}/decide/", {"decision": "confirm", "note": "x"}
        ).status_code
        == 403
    )
    assert worker.get("/cross-border/").status_code == 403
    match.refresh_from_db()
    assert match.status == MatchStatus.PENDING


def test_a_manager_confirms_on_the_confirmation_page_then_requests(
    personas: dict[str, Any], client_for: Any
) -> None:
    child = make_child(personas["practitioner"])
    match = make_match(child, score="0.96")
    manager = client_for("team_manager")
    page = manager.get(f"/children/{child.pk}/").content.decode()
    assert "a likely match (0.96)" in page
    assert f"/cross-border/matches/{match.pk}/decide/" in page
    form = manager.get(f"/cross-border/matches/{match.pk}/decide/").content.decode()
    assert "Are these records about the same person?" in form and "Kofi Ashcombe" in form
    empty = manager.post(f"/cross-border/matches/{match.pk}/decide/", {"decision": "confirm", "note": ""})
    assert "Enter a note saying why you decided this" in empty.content.decode()
    done = manager.post(
        f"/cross-border/matches/{match.pk}/decide/",
        {"decision": "confirm", "note": "Bury confirmed the school."},
    )
    assert done.status_code == 302
    match.refresh_from_db()
    assert (match.status, match.decided_by) == (MatchStatus.CONFIRMED, personas["team_manager"])
    assert (
        f"/cross-border/matches/{match.pk}/request/" in manager.get(f"/children/{child.pk}/").content.decode()
    )


def test_a_request_without_purpose_shows_a_clear_error_and_sends_nothing(
    personas: dict[str, Any], client_for: Any
) -> None:
    match = make_match(make_child(personas["practitioner"]), confirmed_by=personas["team_manager"])
    manager = client_for("team_manager")
    page = manager.post(
        f"/cross-border/matches/{match.pk}/request/", {"purpose": "", "lawful_basis": "ca1989_s47"}
    )
    assert page.status_code == 200
    assert "Enter the purpose of the request: why you need the information" in page.content.decode()
    short = manager.post(
        f"/cross-border/matches/{match.pk}/request/", {"purpose": "Risk", "lawful_basis": "ca1989_s47"}
    )
    said = short.content.decode()
    # On the field, linked from the summary, and the page titled as an error once.
    assert (
        '<p id="id_purpose-error" class="govuk-error-message">' in said and "at least 20 characters" in said
    )
    assert '<a href="#id_purpose">' in said
    assert "govuk-textarea govuk-textarea--error" in said
    assert "<title>Error: Request information" in said
    assert not InfoRequest.objects.exists()
    assert not Message.objects.filter(direction=Direction.OUT, kind="sharing.request").exists()
    sent = manager.post(
        f"/cross-border/matches/{match.pk}/request/", {"purpose": PURPOSE, "lawful_basis": "ca1989_s47"}
    )
    assert sent.status_code == 302
    assert Message.objects.filter(direction=Direction.OUT, kind="sharing.request").count() == 1


def test_requesting_on_a_match_not_confirmed_sends_the_manager_back(
    personas: dict[str, Any], client_for: Any
) -> None:
    match = make_match(make_child(personas["practitioner"]))
    manager = client_for("team_manager")
    response = manager.post(
        f"/cross-border/matches/{match.pk}/request/", {"purpose": PURPOSE, "lawful_basis": "ca1989_s47"}
    )
    assert response.status_code == 302
    assert not InfoRequest.objects.exists()


def test_the_manager_sees_the_summary_before_sending_and_unticks(
    personas: dict[str, Any], client_for: Any
) -> None:
    child = make_child(personas["practitioner"])
    received = receive_request(make_match(child))
    manager = client_for("team_manager")
    request_page = manager.get(f"/cross-border/requests/{received.pk}/").content.decode()
    assert (
        PURPOSE in request_page
        and "Dana Okafor" in request_page
        and "Children Act 1989, section 47" in request_page
    )
    form = manager.get(f"/cross-border/requests/{received.pk}/decide/").content.decode()
    assert "Name: Kofi Ashcombe" in form and "Open to the hub: No" in form
    response = manager.post(
        f"/cross-border/requests/{received.pk}/decide/",
        {"decision": "approve", "share": ["name", "open_episode"]},
    )
    assert response.status_code == 302
    [reply] = Message.objects.filter(direction=Direction.OUT, kind="sharing.reply")
    assert reply.payload["summary"] == {"name": "Kofi Ashcombe", "open_episode": "No"}
    decline = client_for("team_manager").get(f"/cross-border/requests/{received.pk}/decide/")
    assert decline.status_code == 302  # decided: nothing more to decide
    page = manager.get(f"/cross-border/requests/{received.pk}/").content.decode()
    assert "What this hub sent" in page and "Approved: summary shared" in page


def test_reading_a_summary_received_shows_who_read_it(personas: dict[str, Any], client_for: Any) -> None:
    child = make_child(personas["practitioner"])
    match = make_match(child, confirmed_by=personas["team_manager"])
    sent = actions.request_information(match, PURPOSE, "ca1989_s17", actor=personas["team_manager"])
    dispatch(
        match.their_hub,
        "sharing.reply",
        {
            "request": str(sent.id),
            "decision": "approved",
            "reason": "",
            "decided_by": {"name": "Sam Ure", "role": "Team manager"},
            "summary": {"last_missing": "3 November 2026"},
        },
    )
    page = client_for("practitioner").get(f"/cross-border/requests/{sent.pk}/").content.decode()
    assert "What Bury hub sent" in page and "Last missing episode" in page and "3 November 2026" in page
    assert "Who read it" in page and "Practitioner Persona" in page
    assert [r.reader for r in SummaryRead.objects.all()] == [personas["practitioner"]]
    assert AuditEvent.objects.filter(
        actor=personas["practitioner"],
        action=Action.VIEW,
        object_type="crossborder.inforequest",
        child_id=child.pk,
    ).exists()
    sent.refresh_from_db()
    assert sent.status == RequestStatus.APPROVED


def test_a_manager_without_access_to_a_restricted_child_sees_no_name(
    personas: dict[str, Any], client_for: Any
) -> None:
    worker, manager = personas["practitioner"], personas["team_manager"]
    restricted = make_child(worker, "Tia", "Cinderwick")
    people.set_restriction(restricted, True, "Relative of staff", actor=manager)  # names the manager
    hidden = make_match(restricted)
    receive_request(make_match(make_child(worker, "Amara", "Brambleford"), confirmed_by=manager))
    named = client_for("team_manager").get("/cross-border/").content.decode()
    assert "Tia Cinderwick" in named and "Amara Brambleford" in named
    other = other_manager()
    page = other.get("/cross-border/").content.decode()
    assert "Tia Cinderwick" not in page
    assert "1 match about a record you cannot see" in page
    assert "Amara Brambleford" in page  # a request received about a child they may see
    # A restricted record: the break-glass page (as for any page of the child), no name.
    for path in (f"/cross-border/matches/{hidden.pk}/", f"/cross-border/matches/{hidden.pk}/decide/"):
        response = other.get(path)
        assert (response.status_code, response["Location"]) == (
            302,
            f"/children/{restricted.pk}/break-glass/",
        )
        assert "Tia Cinderwick" not in response.content.decode()


def test_the_list_puts_pending_matches_first_and_has_empty_states(
    personas: dict[str, Any], client_for: Any
) -> None:
    manager = client_for("team_manager")
    page = manager.get("/cross-border/").content.decode()
    assert "There are no matches to decide." in page
    assert "No requests are waiting for a decision." in page
    assert "No requests are waiting for a reply." in page
    worker = personas["practitioner"]
    make_match(make_child(worker, "Amara", "Brambleford"), confirmed_by=personas["team_manager"])
    make_match(make_child(worker, "Jon", "Ellery"), other_hub("salford", "Salford hub"))
    page = manager.get("/cross-border/").content.decode()
    assert "Jon Ellery" in page and "Amara Brambleford" not in page  # pending only, by default
    both = manager.get("/cross-border/?status=all").content.decode()
    assert "Jon Ellery" in both and "Amara Brambleford" in both
    only_bury = manager.get("/cross-border/?status=all&hub=bury").content.decode()
    assert "Amara Brambleford" in only_bury and "Jon Ellery" not in only_bury
    assert "No match fits these filters." in manager.get("/cross-border/?status=rejected").content.decode()


def test_an_adult_of_concerns_page_shows_other_hubs(personas: dict[str, Any], client_for: Any) -> None:
    from cshub.intelligence import actions as intelligence

    worker = personas["practitioner"]
    adult = make_child(worker, "Dean", "Holloway", person_type="ADULT")
    subject = intelligence.create_subject(
        intelligence.SubjectDetails(kind="ADULT", person_id=adult.pk), actor=worker
    )
    match = make_match(subject, score="0.95")
    page = client_for("practitioner").get(f"/intelligence/subjects/{subject.pk}/").content.decode()
    assert "Other hubs" in page and "a likely match (0.95)" in page
    assert client_for("missing_worker").get(f"/cross-border/matches/{match.pk}/").status_code == 200
    assert client_for("analyst").get(f"/cross-border/matches/{match.pk}/").status_code == 403


def test_the_managers_home_page_counts_the_matches_to_decide(
    personas: dict[str, Any], client_for: Any
) -> None:
    manager = client_for("team_manager")
    assert "to decide" not in manager.get("/").content.decode()
    worker = personas["practitioner"]
    make_match(make_child(worker, "Jon", "Ellery"))
    make_match(make_child(worker, "Kai", "Ellery"), other_hub("salford", "Salford hub"))
    make_match(make_child(worker, "Amara", "Brambleford"), confirmed_by=personas["team_manager"])
    page = manager.get("/").content.decode()
    assert '<a class="govuk-link" href="/cross-border/">2 cross-border matches to decide</a>' in page


@pytest.mark.parametrize(
    ("score", "words"),
    [
        ("1.000", "a strong match (1.00)"),
        ("0.990", "a strong match (0.99)"),
        ("0.985", "a likely match (0.98)"),
        ("0.950", "a likely match (0.95)"),
        ("0.949", "a possible match (0.95)"),
        ("0.900", "a possible match (0.90)"),
    ],
)
def test_the_words_for_a_score_follow_how_often_such_matches_were_right(score: str, words: str) -> None:
    from decimal import Decimal

    from cshub.crossborder.templatetags.crossborder import match_words

    assert match_words(Decimal(score)) == words
