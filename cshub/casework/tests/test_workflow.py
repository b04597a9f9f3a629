import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import escape

from cshub.casework import actions
from cshub.casework.models import Episode
from cshub.conftest import TODAY, make_child, make_referral
from cshub.core.dates import format_date
from cshub.people.models import TimelineKind
from cshub.referrals import actions as referrals
from cshub.referrals.models import Referral

OVERRIDE = "Risk is held by the locality team."


def _closure(**overrides):
    values = {
        "close_date": TODAY,
        "closure_summary": "Not missing for three months; in college.",
        "outcome_eet": "YES",
        "outcome_stable_accommodation": "YES",
        "outcome_positive_relationship": "UNKNOWN",
        "feedback_child": True,
        "feedback_parent_carer": False,
        "feedback_child_said": "It helped having someone who kept turning up.",
        "feedback_child_how": "FACE_TO_FACE",
    }
    return actions.Closure(**{**values, **overrides})


def test_whole_journey_from_referral_to_closure_through_the_pages(personas, client_for):
    worker = personas["practitioner"]
    child = make_child(worker)
    practitioner, manager = client_for("practitioner"), client_for("team_manager")
    day = TODAY - dt.timedelta(days=40)
    response = practitioner.post(
        f"/children/{child.pk}/referrals/new/",
        {
            "received_date_day": day.day,
            "received_date_month": day.month,
            "received_date_year": day.year,
            "primary_type": "CCE",
            "other_types": ["SERIOUS_VIOLENCE"],
            "concerns": "Found in a flat in another town.",
        },
    )
    assert response.status_code == 302
    referral = child.referrals.get()
    assert (
        manager.post(f"/referrals/{referral.pk}/decision/", {"decision": "OPEN"}).status_code == 200
    )  # errors shown
    response = manager.post(
        f"/referrals/{referral.pk}/decision/",
        {
            "decision": "OPEN",
            "rationale": "Specific indicators from police and school.",
            "decision_date_day": day.day,
            "decision_date_month": day.month,
            "decision_date_year": day.year,
        },
    )
    assert response["Location"] == f"/referrals/{referral.pk}/open-episode/"
    response = manager.post(
        response["Location"],
        {
            "open_date_day": day.day,
            "open_date_month": day.month,
            "open_date_year": day.year,
            "allocated_worker": worker.pk,
        },
    )
    episode = Episode.objects.get(person=child)
    assert response["Location"] == f"/episodes/{episode.pk}/"
    assert episode.allocated_worker == worker
    summary = {
        "who_the_child_is": "Kofi is 15.",
        "current_risks": "Adults from a drug line.",
        "what_is_working": "School mentor.",
        "the_plan": "Disruption.",
    }
    assert practitioner.post(f"/children/{child.pk}/summary/", summary).status_code == 302
    response = practitioner.post(
        f"/episodes/{episode.pk}/close/",
        {
            "close_date_day": TODAY.day,
            "close_date_month": TODAY.month,
            "close_date_year": TODAY.year,
            "closure_summary": "Safer now.",
            "outcome_eet": "YES",
            "outcome_stable_accommodation": "YES",
            "outcome_positive_relationship": "YES",
            "feedback_child": "on",
            "feedback_child_said": "Thanks for not giving up on me.",
            "feedback_child_how": "FACE_TO_FACE",
            "step_down_to": "Locality social worker",
            "child_view_of_ending": "Glad, and knows how to get back in touch.",
        },
    )
    episode.refresh_from_db()
    assert episode.is_open and episode.closure_requested_by == worker  # waits for a manager
    manager.post(f"/episodes/{episode.pk}/authorise-closure/", {"decision": "authorise"})
    episode.refresh_from_db()
    assert episode.close_date == TODAY and episode.closure_authorised_by == personas["team_manager"]
    kinds = list(child.timeline.order_by("occurred_at", "id").values_list("kind", flat=True))
    for kind in (
        TimelineKind.REFERRAL,
        TimelineKind.DECISION,
        TimelineKind.EPISODE_OPENED,
        TimelineKind.CASE_SUMMARY,
        TimelineKind.CLOSURE_REQUESTED,
        TimelineKind.EPISODE_CLOSED,
    ):
        assert kind in kinds
    page = practitioner.get(f"/children/{child.pk}/timeline/")
    assert f"{day.day} {day:%B %Y}".encode() in page.content


def test_decision_needs_a_rationale(hub, personas):
    referral = make_referral(hub["second"], personas["practitioner"])
    with pytest.raises(ValidationError) as err:
        referrals.decide_referral(referral, "NFA", "  ", actor=personas["team_manager"])
    assert "rationale" in err.value.message_dict


def test_only_managers_decide_and_open(hub, personas):
    referral = make_referral(hub["second"], personas["practitioner"])
    with pytest.raises(PermissionDenied):
        referrals.decide_referral(referral, "OPEN", "Meets threshold", actor=personas["practitioner"])
    with pytest.raises(PermissionDenied):
        actions.open_episode(hub["open_referral"], actor=personas["practitioner"])


def test_one_open_episode_per_child(hub, personas):
    child, manager = hub["child"], personas["team_manager"]
    again = make_referral(child, personas["practitioner"], days_ago=2)
    referrals.decide_referral(again, "OPEN", "New concerns", actor=manager)
    with pytest.raises(ValidationError, match="already has an open hub episode"):
        actions.open_episode(again, actor=manager)


def test_episode_cannot_open_before_the_last_one_closed(hub, personas):
    manager, episode = personas["team_manager"], hub["episode"]
    actions.record_closure(
        episode, _closure(close_date=TODAY - dt.timedelta(days=5)), actor=manager, override_reason=OVERRIDE
    )
    again = make_referral(hub["child"], personas["practitioner"], days_ago=10)
    referrals.decide_referral(
        again, "OPEN", "New concerns", actor=manager, decision_date=TODAY - dt.timedelta(days=9)
    )
    with pytest.raises(ValidationError, match="after the last one closed"):
        actions.open_episode(again, actor=manager, open_date=TODAY - dt.timedelta(days=9))
    reopened = actions.open_episode(again, actor=manager, open_date=TODAY)
    assert reopened.is_open
    detail = Referral.objects.get(pk=again.pk)
    assert detail.person.episodes.filter(close_date__lt=detail.received_date + dt.timedelta(days=10)).exists()


def test_closure_validates_dates_and_outcomes(hub, personas):
    episode, worker = hub["episode"], personas["practitioner"]
    with pytest.raises(ValidationError) as err:
        actions.record_closure(
            episode,
            _closure(close_date=episode.open_date - dt.timedelta(days=1), outcome_eet="MAYBE"),
            actor=worker,
        )
    assert set(err.value.message_dict) == {"close_date", "outcome_eet"}


def test_manager_can_return_a_closure(hub, personas):
    episode = hub["episode"]
    actions.record_closure(episode, _closure(), actor=personas["practitioner"])
    actions.return_closure(episode, "Joint supervision needed first", actor=personas["team_manager"])
    episode.refresh_from_db()
    assert episode.is_open and episode.closure_requested_at is None
    assert hub["child"].timeline.filter(summary__contains="Joint supervision needed first").exists()


def test_referral_page_says_when_the_child_was_open_before(hub, personas, client_for):
    manager = personas["team_manager"]
    actions.record_closure(
        hub["episode"],
        _closure(close_date=TODAY - dt.timedelta(days=5)),
        actor=manager,
        override_reason=OVERRIDE,
    )
    again = make_referral(hub["child"], personas["practitioner"], days_ago=1)
    page = client_for("practitioner").get(f"/referrals/{again.pk}/")
    assert b"was open to the hub before" in page.content


def test_stale_case_summary_is_flagged(hub, client_for, settings):
    settings.CSHUB_SUMMARY_MAX_AGE_DAYS = -1
    page = client_for("practitioner").get(f"/children/{hub['child'].pk}/")
    assert b"This summary is more than" in page.content


def test_caseloads(hub, client_for):
    mine = client_for("practitioner").get("/caseload/")
    assert b"Kofi Ashcombe" in mine.content
    team = client_for("team_manager").get("/caseload/team/?worker=none")
    assert b"Kofi Ashcombe" not in team.content
    team = client_for("team_manager").get("/caseload/team/?type=CCE")
    assert b"Kofi Ashcombe" in team.content


def test_navigation_marks_one_current_page(hub, client_for):
    page = client_for("team_manager").get("/caseload/team/").content.decode()
    assert page.count('aria-current="true"') == 1
    assert (
        'aria-current="true"><strong class="govuk-service-navigation__active-fallback">Team caseload' in page
    )


def test_closing_warns_on_medium_risk_or_recent_missing_and_needs_a_managers_reason(hub, personas):
    episode, worker, manager = hub["episode"], personas["practitioner"], personas["team_manager"]
    # The hub's child: last assessed MEDIUM, and reported missing twice in the last 30 days.
    assert actions.closure_warnings(episode, TODAY) == [
        f"the last assessment ({format_date(hub['assessment'].completed_date)}) found medium risk",
        "reported missing 2 times in the 30 days up to closure",
    ]
    actions.record_closure(episode, _closure(), actor=worker)
    episode.refresh_from_db()
    assert len(episode.closure_warnings) == 2
    with pytest.raises(ValidationError) as err:
        actions.authorise_closure(episode, actor=manager)
    assert "override_reason" in err.value.message_dict
    actions.authorise_closure(episode, actor=manager, reason=OVERRIDE)
    episode.refresh_from_db()
    assert episode.close_date == TODAY and episode.closure_override_reason == OVERRIDE
    closed = hub["child"].timeline.get(kind=TimelineKind.EPISODE_CLOSED)
    assert "despite warnings" in closed.summary and OVERRIDE in closed.summary


def test_a_low_risk_closure_with_no_recent_missing_has_no_warning(hub, personas):
    from cshub.assessments import actions as assessments

    episode = hub["episode"]
    assessments.record_risk_assessment(
        episode,
        assessments.RiskAssessment(TODAY, "LOW", "Happy at college.", "Adults no longer in contact."),
        actor=personas["practitioner"],
    )
    warnings = actions.closure_warnings(episode, TODAY)
    assert warnings == ["reported missing 2 times in the 30 days up to closure"]
    assert actions.closure_warnings(episode, TODAY + dt.timedelta(days=31)) == []


def test_feedback_at_closure_records_what_the_child_and_the_carer_said(hub, personas, client_for):
    """Issue 16: feedback was a tick. Their words and how they were gathered are recorded; the
    tick stays the figure."""
    episode, worker = hub["episode"], personas["practitioner"]
    with pytest.raises(ValidationError) as err:
        actions.record_closure(
            episode, _closure(feedback_child_said=" ", feedback_child_how=""), actor=worker
        )
    assert set(err.value.message_dict) == {"feedback_child_said", "feedback_child_how"}
    with pytest.raises(ValidationError) as err:
        actions.record_closure(
            episode,
            _closure(feedback_parent_carer_said="Much calmer at home.", feedback_parent_carer_how="PHONE"),
            actor=worker,
        )
    assert set(err.value.message_dict) == {"feedback_parent_carer"}
    response = client_for("practitioner").post(
        f"/episodes/{episode.pk}/close/",
        {
            "close_date_day": TODAY.day,
            "close_date_month": TODAY.month,
            "close_date_year": TODAY.year,
            "closure_summary": "Safer now.",
            "outcome_eet": "YES",
            "outcome_stable_accommodation": "YES",
            "outcome_positive_relationship": "YES",
            "feedback_child": "on",
            "feedback_child_said": "You listened to me and didn't judge.",
            "feedback_child_how": "FACE_TO_FACE",
            "feedback_parent_carer": "on",
            "feedback_parent_carer_said": "We know who to call now.",
            "feedback_parent_carer_how": "PHONE",
            "step_down_to": "Locality social worker",
            "child_view_of_ending": "Glad, and knows how to get back in touch.",
        },
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.feedback_child is True and episode.feedback_parent_carer is True
    assert episode.feedback_child_said == "You listened to me and didn't judge."
    assert episode.get_feedback_parent_carer_how_display() == "By phone or message"
    page = client_for("team_manager").get(f"/episodes/{episode.pk}/").content.decode()
    assert escape("You listened to me and didn't judge.") in page
    assert "We know who to call now." in page and "Face to face" in page
    form = (
        client_for("practitioner")
        .post(f"/episodes/{episode.pk}/close/", {"feedback_child": "on"})
        .content.decode()
    )
    assert "Record what the child said" in form
