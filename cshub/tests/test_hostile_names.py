"""Issue 20: names as stored and shown. A right-to-left override or a zero-width character
in a name can disguise who a record is about; each way a name comes in refuses them with a
message, and stores the name in NFC."""

import datetime as dt
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cshub.access.actions import create_api_token, create_user, update_user
from cshub.access.models import User
from cshub.interchange.importer import run_import
from cshub.people import actions as people
from cshub.people.models import Person, PersonName

RLO = "\u202e"
HOSTILE = [
    f"Amy{RLO}ecnerwaL",  # right-to-left override
    "Amy\u202aLawrence",  # left-to-right embedding
    "Amy\u2066Lawrence\u2069",  # isolates
    "Amy\u200bLawrence",  # zero-width space
    "Amy\u200dLawrence",  # zero-width joiner
    "Amy\u2060Lawrence",  # word joiner
    "\ufeffAmy",  # byte-order mark
]
DECOMPOSED = "Zoe\u0301"  # "Zoé" as e + combining acute
COMPOSED = "Zo\u00e9"
BORN = dt.date.today() - dt.timedelta(days=14 * 365)  # noqa: DTZ011


def _details(forename: str, surname: str = "Okafor") -> people.PersonDetails:
    return people.PersonDetails(forename=forename, surname=surname, date_of_birth=BORN, sex="F")


@pytest.mark.parametrize("name", HOSTILE)
def test_actions_refuse_hidden_characters_in_a_persons_name(name: str, personas: dict[str, User]) -> None:
    worker = personas["practitioner"]
    with pytest.raises(ValidationError) as caught:
        people.create_person(_details(name), actor=worker)
    assert "hidden character" in caught.value.message_dict["forename"][0]
    with pytest.raises(ValidationError) as caught:
        people.create_person(_details("Amy", name), actor=worker)
    assert "hidden character" in caught.value.message_dict["surname"][0]
    child = people.create_person(_details("Amy"), actor=worker)
    with pytest.raises(ValidationError, match="hidden character"):
        people.update_person(child, _details(name), actor=worker)
    with pytest.raises(ValidationError, match="hidden character"):
        people.add_alias(child, name, "Smith", actor=worker)
    with pytest.raises(ValidationError, match="hidden character"):
        people.create_person(_details("Amy"), actor=worker, aliases=[("Amy", name)])
    assert not PersonName.objects.filter(forename__contains=name[:4]).exclude(forename="Amy").exists()


def test_names_are_stored_in_nfc(personas: dict[str, User]) -> None:
    worker = personas["practitioner"]
    child = people.create_person(_details(DECOMPOSED), actor=worker, aliases=[(DECOMPOSED, "B")])
    child.refresh_from_db()
    assert child.forename == COMPOSED
    assert set(child.names.values_list("forename", flat=True)) == {COMPOSED}
    people.add_alias(child, "Ine\u0301s", "Garci\u0301a", actor=worker)
    assert child.names.filter(forename="In\u00e9s", surname="Garc\u00eda").exists()
    people.update_person(child, _details(COMPOSED, "Mu\u0308ller"), actor=worker)
    child.refresh_from_db()
    assert child.surname == "M\u00fcller"


def test_the_add_a_person_page_says_what_is_wrong(hub: dict[str, Any], client_for: Any) -> None:
    response = client_for("practitioner").post(
        reverse("people:create"),
        {
            "forename": f"Amy{RLO}ecnerwaL",
            "surname": "Okafor",
            "person_type": "CHILD",
            "date_of_birth-day": BORN.day,
            "date_of_birth-month": BORN.month,
            "date_of_birth-year": BORN.year,
            "sex": "F",
        },
    )
    assert response.status_code == 200
    assert "First name contains a hidden character" in response.content.decode()
    assert not Person.objects.filter(surname="Okafor").exists()


def test_the_police_api_refuses_a_hidden_character_and_stores_nfc(
    hub: dict[str, Any], personas: dict[str, User]
) -> None:
    worker = personas["missing_worker"]
    _, raw = create_api_token(worker, "police feed", actor=worker)

    def send(forename: str, ref: str) -> Any:
        return Client().post(
            "/api/v1/missing-episodes/",
            {
                "person": {
                    "forename": forename,
                    "surname": "Quillfeather",
                    "date_of_birth": BORN.isoformat(),
                },
                "police_reference": ref,
                "reported_at": (timezone.now() - dt.timedelta(hours=2)).isoformat(),
            },
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )

    refused = send(f"Amy{RLO}ecnerwaL", "NAME-1")
    assert refused.status_code == 400
    assert "hidden character" in str(refused.json())
    created = send(DECOMPOSED, "NAME-2")
    assert created.status_code == 201, created.content
    assert Person.objects.get(surname="Quillfeather").forename == COMPOSED


def _import(tmp_path: Path, forename: str, aliases: str = "") -> Any:
    folder = tmp_path / "upload"
    folder.mkdir(exist_ok=True)
    (folder / "person.csv").write_text(
        "pers_person_id,pers_forename,pers_surname,pers_dob,csh_aliases\n"
        f"NEWP1,{forename},Larkspur,{BORN.isoformat()},{aliases}\n",
        encoding="utf-8",
    )
    return run_import(folder, actor=None)


def test_the_importer_refuses_a_hidden_character_line_by_line(tmp_path: Path, personas: Any) -> None:
    result = _import(tmp_path, f"Amy{RLO}ecnerwaL")
    assert [str(e) for e in result.errors] == [
        "person.csv:2: pers_forename: contains a hidden character that changes how it is shown "
        "(a direction or zero-width character)"
    ]
    aliases = _import(tmp_path, "Amy", aliases="Amy Lar\u200bkspur")
    assert [str(e) for e in aliases.errors] == [
        "person.csv:2: csh_aliases: contains a hidden character that changes how it is shown "
        "(a direction or zero-width character)"
    ]
    assert not Person.objects.filter(surname="Larkspur").exists()


def test_the_importer_stores_nfc(tmp_path: Path, personas: Any) -> None:
    result = _import(tmp_path, DECOMPOSED, aliases="Ine\u0301s Larkspur")
    assert not result.errors, result.errors
    person = Person.objects.get(surname="Larkspur")
    assert person.forename == COMPOSED
    assert set(person.names.values_list("forename", flat=True)) == {COMPOSED, "In\u00e9s"}


@pytest.mark.parametrize("name", HOSTILE[:1] + HOSTILE[3:4])
def test_user_names_refuse_hidden_characters(name: str, personas: dict[str, User]) -> None:
    admin = personas["sysadmin"]
    with pytest.raises(ValidationError) as caught:
        create_user("pc.jones", agency="POLICE", roles=["practitioner"], actor=admin, first_name=name)
    assert "hidden character" in caught.value.message_dict["first_name"][0]
    with pytest.raises(ValidationError) as caught:
        create_user(f"pc{name}jones", agency="POLICE", roles=["practitioner"], actor=admin)
    assert "hidden character" in caught.value.message_dict["username"][0]
    worker = personas["practitioner"]
    with pytest.raises(ValidationError, match="hidden character"):
        update_user(
            worker,
            actor=admin,
            agency=worker.agency,
            roles=["practitioner"],
            first_name=worker.first_name,
            last_name=name,
            email="",
            job_title="",
            is_active=True,
        )


def test_user_names_are_stored_in_nfc(personas: dict[str, User], client_for: Any) -> None:
    response = client_for("sysadmin").post(
        reverse("access:user_create"),
        {
            "username": "zoe.mu\u0308ller",
            "first_name": DECOMPOSED,
            "last_name": "Mu\u0308ller",
            "agency": "POLICE",
            "roles": ["practitioner"],
        },
    )
    assert response.status_code == 302
    user = User.objects.get(last_name="M\u00fcller")
    assert user.first_name == COMPOSED and user.username == "zoe.m\u00fcller"
    assert all(unicodedata.is_normalized("NFC", v) for v in (user.first_name, user.last_name, user.username))
