"""POST /api/v1/consultations/: the form's validation, idempotent on the partner's reference,
its own token scope; GET with the pages' visibility."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cshub.access.actions import create_api_token
from cshub.conftest import make_child
from cshub.consultations.models import Consultation
from cshub.people import actions as people

pytestmark = pytest.mark.django_db
URL = "/api/v1/consultations/"


def bearer(user: Any, scopes: list[str]) -> Client:
    _, raw = create_api_token(user, "school system", actor=user, scopes=scopes)
    return Client(headers={"Authorization": f"Bearer {raw}"})


def call(**changes: Any) -> dict[str, Any]:
    body = {
        "reference": "SCHOOL-42",
        "occurred_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
        "how": "EMAIL",
        "caller_agency": "EDUCATION",
        "caller_role": "Designated safeguarding lead",
        "types": ["CSE"],
        "advice": "Speak to the locality team today.",
        "outcome": "ADVICE_ONLY",
    }
    body.update(changes)
    return body


def test_the_same_reference_again_is_the_same_consultation(personas: dict[str, Any]) -> None:
    auth = bearer(personas["practitioner"], ["consultations:write", "read"])
    first = auth.post(URL, call(), content_type="application/json")
    again = auth.post(URL, call(advice="Changed"), content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert (
        again.json()["id"] == first.json()["id"]
        and again.json()["advice"] == "Speak to the locality team today."
    )
    assert Consultation.objects.count() == 1
    assert auth.get(f"{URL}{first.json()['id']}/").json()["reference"] == "SCHOOL-42"


def test_two_partners_references_are_their_own(personas: dict[str, Any]) -> None:
    """One partner's reference never returns another's consultation (nor drops it)."""
    school = bearer(personas["practitioner"], ["consultations:write"])
    health = bearer(personas["missing_worker"], ["consultations:write"])
    first = school.post(
        URL, call(worry="Seen with older men at the station"), content_type="application/json"
    )
    other = health.post(URL, call(caller_agency="HEALTH"), content_type="application/json")
    assert (first.status_code, other.status_code) == (201, 201)
    assert other.json()["id"] != first.json()["id"] and other.json()["caller_agency"] == "HEALTH"
    assert Consultation.objects.filter(reference="SCHOOL-42").count() == 2


def test_the_api_refuses_with_the_forms_messages(personas: dict[str, Any]) -> None:
    auth = bearer(personas["practitioner"], ["consultations:write"])
    response = auth.post(
        URL,
        call(caller_agency="", advice="", outcome="", how="LETTER"),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "how": ["Select how the caller got in touch"],
        "caller_agency": ["Select the caller's agency"],
        "advice": ["Enter the advice given"],
        "outcome": ["Select the outcome of the consultation"],
    }


def test_anonymous_is_allowed_and_a_child_is_found_through_the_access_helper(
    personas: dict[str, Any],
) -> None:
    worker = personas["practitioner"]
    auth = bearer(worker, ["consultations:write"])
    assert auth.post(URL, call(reference=None), content_type="application/json").status_code == 201
    hidden = make_child(worker, "Tia", "Cinderwick")
    people.set_restriction(hidden, True, "Relative of staff", actor=personas["team_manager"])
    response = auth.post(URL, call(reference="S-2", child=hidden.pk), content_type="application/json")
    assert response.status_code == 404
    assert Consultation.objects.count() == 1


def test_a_token_needs_the_consultations_scope(personas: dict[str, Any]) -> None:
    auth = bearer(personas["practitioner"], ["read"])
    assert auth.post(URL, call(), content_type="application/json").status_code == 403
    assert auth.get(URL).status_code == 200
    analyst = bearer(personas["analyst"], ["read"])
    assert analyst.get(URL).status_code == 403
