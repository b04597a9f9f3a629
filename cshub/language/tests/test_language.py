from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cshub.language import actions
from cshub.language.guidance import check

pytestmark = pytest.mark.django_db


def test_blaming_and_vague_phrases_are_found_as_whole_words() -> None:
    found = check("She is PUTTING HERSELF  AT RISK and associating with unsuitable peers.")
    assert {a.phrase for a in found} == {
        "putting herself at risk",
        "associating with unsuitable peers",
        "unsuitable peers",
    }
    assert all(a.instead for a in found)
    assert check("Kofi is at risk of criminal exploitation by two adults.") == []
    assert check("She chose a college course.") == []  # not "chose to"


def test_a_manager_extends_the_list(personas: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        actions.add_phrase("Consented", "BLAMING", "", "x", actor=personas["team_manager"])
    actions.add_phrase(
        "on the streets",
        "VAGUE",
        "Where, with whom?",
        "Name the places and people",
        actor=personas["team_manager"],
    )
    assert [a.phrase for a in check("Out on the  streets all night")] == ["on the streets"]


def test_the_guidance_is_advice_on_the_form_never_a_block(hub: dict[str, Any], client_for: Any) -> None:
    url = reverse("supervision:oversight", args=[hub["episode"].pk])
    page = (
        client_for("team_manager")
        .post(url, {"decision": "Keep open: she is promiscuous", "reason": ""})
        .content.decode()
    )
    assert "Language guidance (advice only)" in page and "sexually exploited" in page
    response = client_for("team_manager").post(
        url, {"decision": "Keep open: he chose to go", "reason": "Lifestyle choice"}
    )
    assert response.status_code == 302  # saved all the same


def test_the_phrase_list_is_served_for_the_script(client_for: Any, personas: dict[str, Any]) -> None:
    data = client_for("practitioner").get(reverse("language:json")).json()
    assert any(p["phrase"] == "consented" for p in data["phrases"])
    assert client_for("practitioner").post(reverse("language:phrases"), {"phrase": "x"}).status_code == 403
