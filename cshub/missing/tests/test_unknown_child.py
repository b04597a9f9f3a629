import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cshub.missing.models import HeldReport, MissingEpisode
from cshub.people.models import Person

pytestmark = pytest.mark.django_db


def _post(client, token, person, ref):
    return client.post(
        "/api/v1/missing-episodes/",
        {
            "person": person,
            "police_reference": ref,
            "reported_at": (timezone.now() - dt.timedelta(hours=2)).isoformat(),
        },
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


@pytest.fixture
def api(hub, personas):
    from django.test import Client

    from cshub.access.actions import create_api_token

    _, token = create_api_token(personas["missing_worker"], "police feed", actor=personas["missing_worker"])
    return Client(), token


def test_a_child_cshub_does_not_know_is_created_then_the_episode(api):
    client, token = api
    response = _post(
        client, token, {"forename": "Zeb", "surname": "Quarrington", "date_of_birth": "2011-05-02"}, "GMP-1"
    )
    assert response.status_code == 201
    person = Person.objects.get(surname="Quarrington")
    assert MissingEpisode.objects.get(police_reference="GMP-1").person == person
    # Sent again: the same episode, no second person.
    again = _post(
        client, token, {"forename": "Zeb", "surname": "Quarrington", "date_of_birth": "2011-05-02"}, "GMP-1"
    )
    assert again.status_code == 200 and Person.objects.filter(surname="Quarrington").count() == 1


def test_a_certain_match_is_used(api, hub):
    client, token = api
    child = hub["child"]
    response = _post(
        client,
        token,
        {"forename": "Kofi", "surname": "Ashcombe", "date_of_birth": child.date_of_birth.isoformat()},
        "GMP-2",
    )
    assert response.status_code == 201 and response.json()["child"] == child.pk


def test_a_likely_but_uncertain_match_is_held_and_a_worker_matches_it(api, hub, client_for):
    client, token = api
    born = hub["child"].date_of_birth + dt.timedelta(days=10)
    response = _post(
        client, token, {"forename": "Kofi", "surname": "Ashcomb", "date_of_birth": born.isoformat()}, "GMP-3"
    )
    assert response.status_code == 202 and response.json()["status"] == "held"
    held = HeldReport.objects.get(police_reference="GMP-3")
    assert not MissingEpisode.objects.filter(police_reference="GMP-3").exists()
    url = reverse("missing:held_report", args=[held.pk])
    page = client_for("missing_worker").get(url).content.decode()
    assert "Ashcombe" in page and "None of these" in page
    assert "Select the child" in client_for("missing_worker").post(url, {}).content.decode()
    done = client_for("missing_worker").post(url, {"child": hub["child"].pk})
    assert done.status_code == 302
    assert MissingEpisode.objects.get(police_reference="GMP-3").person == hub["child"]
    held.refresh_from_db()
    assert held.resolved_at is not None


def test_a_held_report_can_become_a_new_child(api, hub, client_for):
    # Without a date of birth a record cannot be made from the report: the page says so.
    no_dob = client_for("missing_worker").post(
        reverse("missing:held_report", args=[hub["held"].pk]), {"child": "new"}
    )
    assert "no date of birth" in no_dob.content.decode()
    client, token = api
    born = (hub["child"].date_of_birth + dt.timedelta(days=20)).isoformat()
    assert (
        _post(
            client, token, {"forename": "Kofi", "surname": "Ashcombe", "date_of_birth": born}, "GMP-4"
        ).status_code
        == 202
    )
    held = HeldReport.objects.get(police_reference="GMP-4")
    client_for("missing_worker").post(reverse("missing:held_report", args=[held.pk]), {"child": "new"})
    episode = MissingEpisode.objects.get(police_reference="GMP-4")
    assert episode.person != hub["child"] and episode.person.surname == "Ashcombe"


def test_child_and_person_are_not_both_given(api, hub):
    client, token = api
    response = client.post(
        "/api/v1/missing-episodes/",
        {
            "child": hub["child"].pk,
            "person": {"forename": "A", "surname": "B"},
            "police_reference": "X",
            "reported_at": timezone.now().isoformat(),
        },
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400
