"""What an afternoon's attack found (issue 12), each pinned by a test that failed before the fix:
session limits, break glass, restricted records probed through duplicate checks, reads
that left no trace, and who reads break-glass reasons."""

import datetime as dt
import time

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from cshub.access.actions import create_api_token, create_user
from cshub.access.middleware import SESSION_LAST_SEEN
from cshub.access.testing import sign_in_verified
from cshub.audit.models import Action, AuditEvent
from cshub.casework import actions as casework
from cshub.conftest import TODAY, make_child, make_referral
from cshub.people import actions as people
from cshub.people.models import AccessGrant, Person
from cshub.referrals import actions as referrals
from cshub.supervision import actions as supervision

pytestmark = pytest.mark.django_db

REASON = "Child found in crisis at A&E tonight, need the safety plan"


def test_an_authorization_header_does_not_lift_a_sessions_idle_time_out(personas):
    client = sign_in_verified(Client(), personas["practitioner"])
    session = client.session
    session[SESSION_LAST_SEEN] = time.time() - 3 * 3600
    session.save()
    response = client.get("/caseload/", headers={"Authorization": "Bearer anything"})
    assert response.status_code == 302 and response["Location"] == "/sign-in/"
    assert client.get("/caseload/").status_code == 302  # signed out, not just turned away once


def _break_glass(client: Client, person: Person) -> None:
    assert client.post(f"/children/{person.pk}/break-glass/", {"reason": REASON}).status_code == 302


def test_break_glass_is_for_reading_never_for_changing_who_may_see(hub, personas, client_for):
    restricted, other_manager = (
        hub["restricted"],
        create_user(
            "second.manager",
            agency="SOCIAL_CARE",
            roles=["team_manager"],
            actor=None,
            password="a-long-test-password-1",
        ),
    )
    client = sign_in_verified(Client(), other_manager)
    _break_glass(client, restricted)
    assert client.get(f"/children/{restricted.pk}/").status_code == 200  # reading: yes

    page = client.get(f"/children/{restricted.pk}/access/")
    assert b"Save restriction" not in page.content and b"Name this person" not in page.content
    assert b"Only people named on this record can change who may see it" in page.content
    client.post(f"/children/{restricted.pk}/access/", {"g-user": other_manager.pk})
    client.post(f"/children/{restricted.pk}/access/", {"r-restricted": "no", "r-reason": ""})
    grant = AccessGrant.objects.get(person=restricted)
    client.post(f"/children/{restricted.pk}/access/{grant.pk}/revoke/")
    restricted.refresh_from_db()
    assert restricted.restricted
    assert list(AccessGrant.objects.filter(person=restricted)) == [grant]

    for change in (
        lambda: people.grant_access(restricted, other_manager, actor=other_manager),
        lambda: people.set_restriction(restricted, False, "", actor=other_manager),
        lambda: people.revoke_access(grant, actor=other_manager),
    ):
        with pytest.raises(PermissionDenied):
            change()
    # Someone named on it still can.
    people.grant_access(restricted, other_manager, actor=personas["team_manager"])
    assert AccessGrant.objects.filter(person=restricted, user=other_manager).exists()


def _add(client: Client, forename: str, surname: str, born: dt.date, **extra: str) -> bytes:
    response = client.post(
        "/children/new/",
        {
            "forename": forename,
            "surname": surname,
            "person_type": "CHILD",
            "date_of_birth_day": born.day,
            "date_of_birth_month": born.month,
            "date_of_birth_year": born.year,
            **extra,
        },
    )
    assert response.status_code == 200
    return response.content


def test_add_a_person_does_not_confirm_a_restricted_childs_date_of_birth(hub, client_for):
    restricted = hub["restricted"]
    client = client_for("missing_worker")
    right = _add(client, "Tia", "Cinderwick", restricted.date_of_birth)
    wrong = _add(client, "Tia", "Cinderwick", restricted.date_of_birth - dt.timedelta(days=3 * 365))
    assert right.count(b"Restricted record") == wrong.count(b"Restricted record") == 1
    assert not Person.objects.filter(surname="Cinderwick").exclude(pk=restricted.pk).exists()
    probes = AuditEvent.objects.filter(
        action=Action.SEARCH, child_id=restricted.pk, detail__part="add a person"
    )
    assert probes.count() == 2


def test_the_api_does_not_confirm_a_restricted_childs_date_of_birth(hub, personas):
    restricted = hub["restricted"]
    _, token = create_api_token(personas["missing_worker"], "police feed", actor=personas["missing_worker"])
    statuses = []
    for n, born in enumerate([restricted.date_of_birth, restricted.date_of_birth - dt.timedelta(days=1100)]):
        response = Client().post(
            "/api/v1/missing-episodes/",
            {
                "person": {"forename": "Tia", "surname": "Cinderwick", "date_of_birth": born.isoformat()},
                "police_reference": f"GMP-PROBE-{n}",
                "reported_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
            },
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
        statuses.append(response.status_code)
    assert statuses == [202, 202]  # held both times: a worker named on the record matches it
    assert Person.objects.filter(surname="Cinderwick").count() == 1  # no junk or duplicate record
    probes = AuditEvent.objects.filter(
        action=Action.SEARCH, child_id=restricted.pk, detail__part="police report"
    )
    assert probes.count() == 2


def test_the_likely_matches_shown_on_add_a_person_are_audited(hub, client_for, personas):
    child = hub["child"]
    _add(client_for("practitioner"), "Kofi", "Ashcombe", child.date_of_birth)
    assert AuditEvent.objects.filter(
        action=Action.VIEW, child_id=child.pk, actor=personas["practitioner"], detail__part="add a person"
    ).exists()


def test_my_supervision_record_audits_each_child_once(hub, client_for, personas):
    for n in range(3):
        supervision.record_supervision(
            hub["episode"],
            supervision.SupervisionRecord(
                kind="INDIVIDUAL",
                held_on=TODAY - dt.timedelta(days=n),
                supervisee=personas["practitioner"],
                discussion="Progress.",
                decisions="Carry on.",
            ),
            actor=personas["team_manager"],
        )
    assert client_for("practitioner").get("/supervision/mine/").status_code == 200
    events = AuditEvent.objects.filter(action=Action.VIEW, detail__part="supervision record")
    assert list(events.values_list("child_id", flat=True)) == [hub["child"].pk]


def test_break_glass_reasons_are_for_the_childs_team_managers_and_named_people(hub, personas):
    restricted, manager = hub["restricted"], personas["team_manager"]
    police_worker = create_user("pc.worker", agency="POLICE", roles=["practitioner"], actor=None)
    referral = make_referral(restricted, manager, days_ago=5)
    referrals.decide_referral(referral, "OPEN", "Meets threshold.", actor=manager)
    casework.open_episode(referral, actor=manager, allocated_worker=police_worker)  # a police-led case

    def manager_of(agency: str, name: str):
        return sign_in_verified(
            Client(), create_user(name, agency=agency, roles=["team_manager"], actor=None)
        )

    _break_glass(sign_in_verified(Client(), personas["practitioner"]), restricted)
    named, police_team, health = (
        sign_in_verified(Client(), manager),
        manager_of("POLICE", "police.manager"),
        manager_of("HEALTH", "health.manager"),
    )
    assert b"A&amp;E tonight" in named.get("/access-review/").content
    assert b"A&amp;E tonight" in police_team.get("/access-review/").content
    other = health.get("/access-review/").content
    assert b"A&amp;E tonight" not in other and b"Broke glass" in other
    assert b"A&amp;E tonight" in named.get(f"/children/{restricted.pk}/access/").content


def test_an_open_episode_form_sent_twice_says_so_instead_of_failing(hub, client_for):
    worker, manager = hub["worker"], hub["manager"]
    child = make_child(worker, "Nia", "Olderbury")
    referral = make_referral(child, worker, days_ago=2)
    referrals.decide_referral(referral, "OPEN", "Meets threshold.", actor=manager)
    client = client_for("team_manager")
    form = {"open_date_day": TODAY.day, "open_date_month": TODAY.month, "open_date_year": TODAY.year}
    assert client.post(f"/referrals/{referral.pk}/open-episode/", form).status_code == 302
    again = client.post(f"/referrals/{referral.pk}/open-episode/", form)  # a double click, a back button
    assert again.status_code == 200
    assert b"An episode has already been opened from this referral" in again.content


def test_a_page_read_does_not_write_the_session_each_time(personas):
    from django.contrib.sessions.models import Session

    client = sign_in_verified(Client(), personas["practitioner"])
    client.get("/caseload/")
    key = client.session.session_key
    before = Session.objects.get(session_key=key).session_data
    client.get("/caseload/")
    assert Session.objects.get(session_key=key).session_data == before
