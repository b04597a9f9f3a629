"""The pages: who sees what (names for managers, shares only for analysts and leads, a
person's training for themselves and their managers), the forms through the actions."""

import datetime as dt
from collections.abc import Callable

import pytest
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import reverse

from cshub.access.models import RolePermission, User
from cshub.access.permissions import Perm
from cshub.workforce import actions
from cshub.workforce.models import Course, Team, TrainingRecord
from cshub.workforce.tests.conftest import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(personas: dict[str, User], manager: User, course: Course) -> Team:
    t = actions.create_team("Complex safeguarding social work", "SOCIAL_CARE", manager=manager, actor=manager)
    actions.place_member(personas["practitioner"], t, actor=manager)
    return t


def text(response: HttpResponseBase) -> str:
    assert isinstance(response, HttpResponse)
    return response.content.decode()


def test_analysts_see_shares_without_names(
    personas: dict[str, User], team: Team, client_for: Callable[[str], Client]
) -> None:
    name = personas["practitioner"].get_full_name()
    for role in ("analyst", "strategic_lead"):
        page = text(client_for(role).get(reverse("workforce:training")))
        assert "Complex safeguarding social work" in page and "County lines and CCE" in page
        assert name not in page and reverse("workforce:training_people") not in page
        assert (
            client_for(role).get(reverse("workforce:training_people") + f"?team={team.pk}").status_code == 403
        )
    manager_page = text(client_for("team_manager").get(reverse("workforce:training")))
    assert reverse("workforce:training_people") + f"?team={team.pk}" in manager_page
    drill = text(client_for("team_manager").get(reverse("workforce:training_people") + f"?team={team.pk}"))
    assert name in drill and "Not done" in drill


def test_a_person_sees_their_own_training_and_nobody_elses(
    personas: dict[str, User], team: Team, client_for: Callable[[str], Client]
) -> None:
    worker, missing = personas["practitioner"], personas["missing_worker"]
    assert client_for("practitioner").get(reverse("workforce:person", args=[worker.pk])).status_code == 200
    assert client_for("missing_worker").get(reverse("workforce:person", args=[worker.pk])).status_code == 404
    assert client_for("practitioner").get(reverse("workforce:person", args=[missing.pk])).status_code == 404
    assert client_for("analyst").get(reverse("workforce:person", args=[worker.pk])).status_code == 404


def test_a_team_manager_without_manage_workforce_sees_their_own_team(
    personas: dict[str, User], team: Team, client_for: Callable[[str], Client]
) -> None:
    RolePermission.objects.filter(role__code="team_manager", permission=Perm.MANAGE_WORKFORCE).delete()
    client = client_for("team_manager")
    assert client.get(reverse("workforce:person", args=[personas["practitioner"].pk])).status_code == 200
    assert client.get(reverse("workforce:person", args=[personas["missing_worker"].pk])).status_code == 404
    assert client.get(reverse("workforce:training_people") + f"?team={team.pk}").status_code == 200
    assert client.get(reverse("workforce:training_people")).status_code == 403
    assert client.get(reverse("workforce:record_add", args=[personas["practitioner"].pk])).status_code == 403


def test_your_training_on_the_account_page_shows_gaps_first(
    personas: dict[str, User], manager: User, course: Course, client_for: Callable[[str], Client]
) -> None:
    later = actions.create_course("Contextual safeguarding", valid_months=24, actor=manager)
    actions.add_requirement(later, role="practitioner", reason="The hub's model.", actor=manager)
    record(personas["practitioner"], later, dt.date.today() - dt.timedelta(days=10), manager)  # noqa: DTZ011
    page = text(client_for("practitioner").get(reverse("access:account")))
    assert "Your training" in page
    assert "1 of your required courses is not up to date" in page
    assert page.index("County lines and CCE") < page.index("Contextual safeguarding")


def test_record_a_session_for_several_people_and_withdraw(
    personas: dict[str, User], team: Team, course: Course, client_for: Callable[[str], Client]
) -> None:
    client = client_for("team_manager")
    people = [personas["practitioner"].pk, personas["missing_worker"].pk]
    data = {
        "course": course.pk,
        "completed_on_day": "3",
        "completed_on_month": "2",
        "completed_on_year": "2026",
        "people": people,
    }
    for _ in range(2):  # sent twice
        response = client.post(reverse("workforce:session_record"), data)
        assert response.status_code == 302
    assert TrainingRecord.objects.count() == 2
    r = TrainingRecord.objects.get(user=personas["practitioner"])
    page = client.get(reverse("workforce:record_withdraw", args=[r.pk]))
    assert "Withdraw County lines and CCE completed on 3 February 2026?" in text(page)
    refused = client.post(reverse("workforce:record_withdraw", args=[r.pk]), {"reason": ""})
    assert "Enter why you are withdrawing this record" in text(refused)
    client.post(reverse("workforce:record_withdraw", args=[r.pk]), {"reason": "Was not there."})
    r.refresh_from_db()
    assert r.withdrawn_reason == "Was not there."
    future = client.post(
        reverse("workforce:record_add", args=[personas["practitioner"].pk]),
        {**data, "completed_on_year": str(dt.date.today().year + 1)},  # noqa: DTZ011
    )
    assert "must be today or in the past" in text(future)


def test_team_pages(personas: dict[str, User], team: Team, client_for: Callable[[str], Client]) -> None:
    client = client_for("team_manager")
    page = text(client.get(reverse("workforce:team", args=[team.pk])))
    assert personas["practitioner"].get_full_name() in page
    refused = client.post(reverse("workforce:team_active", args=[team.pk]), {"active": "no"}, follow=True)
    assert "move or remove them first" in text(refused)
    confirm = client.get(reverse("workforce:member_remove", args=[team.pk, personas["practitioner"].pk]))
    assert "Remove" in text(confirm) and confirm.status_code == 200
    client.post(reverse("workforce:member_remove", args=[team.pk, personas["practitioner"].pk]))
    assert not team.memberships.exists()
    needs = text(client.get(reverse("workforce:training_needs")))
    assert "Courses by role" in needs and "Most of the hub&#x27;s referrals are CCE." in needs
    assert "Workforce" in text(client.get(reverse("workforce:courses")))
