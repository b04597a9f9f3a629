import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from cshub.conftest import TODAY, make_child
from cshub.contact import actions
from cshub.contact.queries import practice_flags
from cshub.people.models import TimelineKind

pytestmark = pytest.mark.django_db


def _flags(hub: dict[str, Any], today: dt.date = TODAY) -> list[str]:
    return practice_flags(hub["child"], hub["episode"], today)


def test_no_recent_voice_entry_is_flagged(hub: dict[str, Any]) -> None:
    assert any("own words" in f for f in _flags(hub))
    actions.record_voice(
        hub["child"],
        actor=hub["worker"],
        said="I don't want to go back there.",
        how_gathered="VISIT",
        gathered_on=TODAY - dt.timedelta(days=5),
    )
    assert not any("own words" in f for f in _flags(hub))
    assert any("own words" in f for f in _flags(hub, TODAY + dt.timedelta(days=40)))
    entry = hub["child"].timeline.get(kind=TimelineKind.VOICE)
    assert "I don't want to go back there." in entry.summary


def test_a_visit_clears_the_not_seen_flag_and_seen_alone_needs_seen(hub: dict[str, Any]) -> None:
    assert any("not been seen" in f for f in _flags(hub))
    with pytest.raises(ValidationError):
        actions.record_contact(
            hub["episode"], "VISIT", actor=hub["worker"], on=TODAY, where="Home", seen=False, seen_alone=True
        )
    actions.record_contact(
        hub["episode"], "VISIT", actor=hub["worker"], on=TODAY, where="Home", seen=True, seen_alone=True
    )
    assert not any("not been seen" in f for f in _flags(hub))


def test_direct_work_needs_a_purpose(hub: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as err:
        actions.record_contact(hub["episode"], "DIRECT_WORK", actor=hub["worker"], on=TODAY, where="School")
    assert "purpose" in err.value.message_dict


@override_settings(CSHUB_STANDARDS={**settings.CSHUB_STANDARDS, "TEAM_SIZE": 2})
def test_too_many_professionals_and_one_lead(hub: dict[str, Any]) -> None:
    episode, worker = hub["episode"], hub["worker"]
    assert any("No lead professional" in f for f in _flags(hub))
    actions.add_team_member(
        episode,
        actor=worker,
        name="PC Ellery",
        agency="POLICE",
        role="Exploitation officer",
        from_date=TODAY,
        lead=True,
    )
    first_lead_gone = actions.add_team_member(
        episode,
        actor=worker,
        name="Mo Reid",
        agency="YOUTH_JUSTICE",
        role="Case manager",
        from_date=TODAY,
        lead=True,
    )
    assert list(episode.team.filter(lead=True).values_list("name", flat=True)) == ["Mo Reid"]
    episode.refresh_from_db()
    assert episode.lead_professional == "Mo Reid"
    assert any("3 professionals are involved" in f for f in _flags(hub))
    actions.end_team_member(first_lead_gone, TODAY, actor=worker)
    assert any("3 professionals" in f for f in _flags(hub))  # ended today: still involved today
    assert not any("professionals are involved" in f for f in _flags(hub, TODAY + dt.timedelta(days=1)))


def test_nrm_decisions_follow_in_order(hub: dict[str, Any]) -> None:
    child, worker, nrm = hub["child"], hub["worker"], hub["nrm"]
    with pytest.raises(ValidationError) as err:
        actions.record_nrm(
            child,
            actor=worker,
            nrm=nrm,
            referred_on=TODAY,
            first_responder="Police",
            conclusive_grounds="POSITIVE",
            conclusive_grounds_on=TODAY,
        )
    assert "conclusive_grounds" in err.value.message_dict
    actions.record_nrm(
        child,
        actor=worker,
        nrm=nrm,
        referred_on=TODAY,
        first_responder="Police",
        reasonable_grounds="POSITIVE",
        reasonable_grounds_on=TODAY,
    )
    nrm.refresh_from_db()
    assert nrm.stage == "Reasonable grounds: positive"
    assert child.timeline.filter(
        kind=TimelineKind.NRM, summary__contains="reasonable grounds: positive"
    ).exists()


def test_young_people_of_17_are_asked_for_a_transition_plan(hub: dict[str, Any]) -> None:
    older = make_child(hub["worker"], "Rio", "Lindqvist", born=TODAY - dt.timedelta(days=17 * 366))
    from cshub.casework import actions as casework
    from cshub.conftest import make_referral
    from cshub.referrals import actions as referrals

    referral = make_referral(older, hub["worker"])
    referrals.decide_referral(referral, "OPEN", "Threshold met", actor=hub["manager"])
    episode = casework.open_episode(referral, actor=hub["manager"])
    assert any("transition plan" in f for f in practice_flags(older, episode))
    actions.write_transition_plan(
        older,
        actor=hub["worker"],
        adult_social_care="Referred to the transitions team",
        housing="Stays with his aunt",
        health="GP registration checked",
        support_past_18=True,
    )
    assert not any("transition plan" in f for f in practice_flags(older, episode))


def test_the_tab_shows_words_and_team(hub: dict[str, Any], client_for: Any) -> None:
    page = client_for("missing_worker").get(reverse("contact:child", args=[hub["child"].pk])).content.decode()
    assert "Dr Asha Patel" in page and "Waiting for the reasonable grounds decision" in page
    assert "Record a visit" not in page  # a missing-service worker reads, does not record casework


def test_the_lead_professional_set_on_the_episode_is_the_lead_on_the_work_tab(
    hub: dict[str, Any], client_for: Any
) -> None:
    """Issue 16: one source of truth. A lead named when the episode was allocated is the lead:
    no "No lead professional is named" beside a team that does not repeat it."""
    from cshub.casework import actions as casework

    episode, manager, worker = hub["episode"], hub["manager"], hub["worker"]
    casework.allocate_episode(
        episode,
        casework.Allocation(worker, lead_professional="Jo Park", lead_professional_agency="SOCIAL_CARE"),
        actor=manager,
    )
    actions.add_team_member(
        episode, actor=worker, name="PC Ellery", agency="POLICE", role="Exploitation officer", from_date=TODAY
    )
    assert not any("No lead professional" in f for f in _flags(hub))
    page = client_for("practitioner").get(reverse("contact:child", args=[hub["child"].pk]))
    html = page.content.decode()
    assert "No lead professional" not in html
    assert "Jo Park" in html
    overview = client_for("practitioner").get(reverse("casework:child", args=[hub["child"].pk]))
    assert "No lead professional" not in overview.content.decode()
    # Naming another lead in the team replaces the episode's lead: still one lead.
    actions.add_team_member(
        episode,
        actor=worker,
        name="Mo Reid",
        agency="YOUTH_JUSTICE",
        role="Case manager",
        from_date=TODAY,
        lead=True,
    )
    episode.refresh_from_db()
    assert episode.lead_professional == "Mo Reid"
    # The lead leaving the team leaves no lead named, and the flag says so.
    lead = episode.team.get(name="Mo Reid")
    actions.end_team_member(lead, TODAY, actor=worker)
    episode.refresh_from_db()
    assert episode.lead_professional == ""
    assert any("No lead professional" in f for f in _flags(hub, TODAY + dt.timedelta(days=1)))
    # Allocation naming a new lead takes the lead tag from a team member who held it.
    actions.add_team_member(
        episode, actor=worker, name="Sam Ode", agency="HEALTH", role="Nurse", from_date=TODAY, lead=True
    )
    casework.allocate_episode(
        episode,
        casework.Allocation(worker, lead_professional="Jo Park", lead_professional_agency="SOCIAL_CARE"),
        actor=manager,
    )
    assert not episode.team.filter(lead=True, to_date__isnull=True).exists()


def test_a_visit_records_who_was_present(hub: dict[str, Any], client_for: Any) -> None:
    child = hub["child"]
    response = client_for("practitioner").post(
        reverse("contact:contact", args=[child.pk]),
        {
            "kind": "VISIT",
            "on_day": str(TODAY.day),
            "on_month": str(TODAY.month),
            "on_year": str(TODAY.year),
            "where": "Foster home",
            "present": "Kofi, his foster carer, Sam Lee (youth worker)",
            "seen": "on",
        },
    )
    assert response.status_code == 302
    contact = hub["episode"].contacts.get()
    assert contact.present == "Kofi, his foster carer, Sam Lee (youth worker)"
    page = client_for("team_manager").get(reverse("contact:child", args=[child.pk])).content.decode()
    assert "Present: Kofi, his foster carer, Sam Lee (youth worker)" in page
    summary = child.timeline.get(kind=TimelineKind.VISIT).summary
    assert summary == "Visit at Foster home (present: Kofi, his foster carer, Sam Lee (youth worker)): seen"
