"""Issue 12: no input gives a 500. Huge ids, deep JSON, NUL bytes, implausible dates, naive
date-times sent to the API, and an OpenAPI schema that says what the API really sends."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cshub.access.actions import create_api_token

HUGE = "99999999999999999999"


def _bearer(user: Any) -> dict[str, Any]:
    _, raw = create_api_token(user, "hostile", actor=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


# -- integers beyond 64 bits ---------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"/caseload/team/?worker={HUGE}",
        f"/caseload/team/?worker=-{HUGE}",
        f"/missing/return-interviews/?worker={HUGE}",
        f"/children/{HUGE}/",
        f"/children/{HUGE}/timeline/",
        f"/episodes/{HUGE}/",
        f"/api/v1/children/{HUGE}/",
        f"/api/v1/missing-episodes/{HUGE}/",
        f"/api/v1/children/?page={HUGE}",
        f"/referrals/?page={HUGE}",
    ],
)
def test_a_huge_integer_is_not_a_server_error(url: str, hub: dict[str, Any], client_for: Any) -> None:
    client = client_for("team_manager")
    client.raise_request_exception = False
    headers = _bearer(hub["manager"]) if url.startswith("/api/") else {}
    response = client.get(url, **headers)
    assert response.status_code < 500, f"{url}: {response.status_code}"


@pytest.mark.parametrize(
    ("field", "value"),
    [("person", HUGE), ("rule", HUGE), ("person", "-1"), ("rule", "1e5")],
)
def test_huge_posted_ids_are_not_a_server_error(
    field: str, value: str, hub: dict[str, Any], client_for: Any
) -> None:
    client = client_for("team_manager")
    client.raise_request_exception = False
    url = "/missing/panel/" if field == "person" else "/missing/triggers/"
    response = client.post(url, {field: value})
    assert response.status_code in (400, 404), response.status_code


# -- JSON nesting ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/v1/referrals/", "/api/v1/missing-episodes/"])
def test_deeply_nested_json_is_a_clear_400(url: str, hub: dict[str, Any]) -> None:
    client = Client(raise_request_exception=False)
    response = client.post(url, "[" * 5000, content_type="application/json", **_bearer(hub["manager"]))
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]


def test_deeply_nested_json_that_is_otherwise_valid_is_refused(hub: dict[str, Any]) -> None:
    client = Client(raise_request_exception=False)
    body = "[" * 300 + "]" * 300
    response = client.post(
        "/api/v1/referrals/", body, content_type="application/json", **_bearer(hub["manager"])
    )
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]


# -- NUL bytes ---------------------------------------------------------------------------------


def test_a_nul_byte_in_api_json_is_a_400(hub: dict[str, Any]) -> None:
    response = Client(raise_request_exception=False).post(
        "/api/v1/referrals/",
        {
            "child": hub["second"].pk,
            "received_date": "2026-01-05",
            "primary_type": "CSE",
            "concerns": "Gifts\x00 from an adult.",
        },
        content_type="application/json",
        **_bearer(hub["manager"]),
    )
    assert response.status_code == 400, response.content
    assert "concerns" in response.json()


def test_a_nul_byte_in_a_query_string_is_not_a_server_error(hub: dict[str, Any], client_for: Any) -> None:
    client = client_for("team_manager")
    client.raise_request_exception = False
    assert client.get("/caseload/team/?worker=1%00&type=CCE%00").status_code < 500
    assert client.get("/actions/?q=%00").status_code < 500


# -- implausible dates ------------------------------------------------------------------------


def test_an_api_missing_report_in_year_0149_is_refused(hub: dict[str, Any]) -> None:
    response = Client(raise_request_exception=False).post(
        "/api/v1/missing-episodes/",
        {"child": hub["child"].pk, "police_reference": "GMP-0149", "reported_at": "0149-05-16T16:05:15Z"},
        content_type="application/json",
        **_bearer(hub["manager"]),
    )
    assert response.status_code == 400, response.content
    assert "2000" in str(response.json()["reported_at"])


def test_an_api_referral_in_1999_is_refused(hub: dict[str, Any]) -> None:
    response = Client().post(
        "/api/v1/referrals/",
        {"child": hub["second"].pk, "received_date": "1999-12-31", "primary_type": "CSE", "concerns": "x"},
        content_type="application/json",
        **_bearer(hub["manager"]),
    )
    assert response.status_code == 400
    assert "received_date" in response.json()


def test_a_birth_before_1900_is_refused_by_the_action(personas: dict[str, Any]) -> None:
    from django.core.exceptions import ValidationError

    from cshub.people import actions as people

    with pytest.raises(ValidationError) as caught:
        people.create_person(
            people.PersonDetails(forename="Old", surname="Record", date_of_birth=dt.date(1899, 12, 31)),
            actor=personas["practitioner"],
        )
    assert "date_of_birth" in caught.value.message_dict


def test_a_future_birth_is_refused_by_the_action(personas: dict[str, Any]) -> None:
    from django.core.exceptions import ValidationError

    from cshub.people import actions as people

    with pytest.raises(ValidationError) as caught:
        people.create_person(
            people.PersonDetails(
                forename="Not", surname="Born", date_of_birth=timezone.localdate() + dt.timedelta(days=30)
            ),
            actor=personas["practitioner"],
        )
    assert "date_of_birth" in caught.value.message_dict


def test_a_visit_in_year_0001_is_refused_by_the_action(hub: dict[str, Any]) -> None:
    from django.core.exceptions import ValidationError

    from cshub.contact import actions as contact

    with pytest.raises(ValidationError) as caught:
        contact.record_contact(
            hub["episode"], "VISIT", actor=hub["worker"], on=dt.date(1, 1, 1), where="Home", seen=True
        )
    assert "on" in caught.value.message_dict


def test_an_action_due_in_year_9999_is_refused(hub: dict[str, Any]) -> None:
    from django.core.exceptions import ValidationError

    from cshub.tasks import actions as tasks

    with pytest.raises(ValidationError) as caught:
        tasks.agree_task(
            tasks.NewTask("Visit", "SOCIAL_CARE", dt.date(9999, 1, 1), owner=hub["worker"]),
            [hub["child"]],
            actor=hub["manager"],
        )
    assert "due_date" in caught.value.message_dict


def test_api_datetimes_are_rfc3339(hub: dict[str, Any]) -> None:
    import re

    response = Client().get(
        f"/api/v1/missing-episodes/{hub['missing_episode'].pk}/", **_bearer(hub["manager"])
    )
    value = response.json()["reported_at"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", value), value


# -- naive date-times in the API --------------------------------------------------------------


def test_a_naive_datetime_sent_to_the_api_is_refused(hub: dict[str, Any]) -> None:
    response = Client().post(
        "/api/v1/missing-episodes/",
        {"child": hub["child"].pk, "police_reference": "GMP-NAIVE", "reported_at": "2026-01-05T14:05:00"},
        content_type="application/json",
        **_bearer(hub["manager"]),
    )
    assert response.status_code == 400
    assert "time zone offset" in str(response.json()["reported_at"])


def test_a_datetime_with_an_offset_is_accepted(hub: dict[str, Any]) -> None:
    response = Client().post(
        "/api/v1/missing-episodes/",
        {
            "child": hub["child"].pk,
            "police_reference": "GMP-OFFSET",
            "reported_at": "2026-01-05T14:05:00+00:00",
        },
        content_type="application/json",
        **_bearer(hub["manager"]),
    )
    assert response.status_code == 201, response.content


# -- the OpenAPI schema is the contract ----------------------------------------------------------


def _schema() -> dict[str, Any]:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("component", "field"),
    [("Episode", "allocated_worker"), ("MissingEpisode", "police_reference"), ("Child", "date_of_birth")],
)
def test_nullable_fields_are_declared_nullable(component: str, field: str) -> None:
    prop = _schema()["components"]["schemas"][component]["properties"][field]
    assert prop.get("nullable") is True or "null" in str(prop.get("type")), prop


def test_held_report_is_documented(db: Any) -> None:
    responses = _schema()["paths"]["/api/v1/missing-episodes/"]["post"]["responses"]
    assert {"200", "201", "202", "400"} <= set(responses)


# -- the interchange keeps the same ranges ---------------------------------------------------


def test_an_extract_with_implausible_dates_lists_each_as_a_line_error(db: Any, tmp_path: Any) -> None:
    from cshub.interchange.importer import run_import
    from cshub.interchange.tests.test_import_export import GOOD, folder

    bad = dict(GOOD)
    bad["person.csv"] = (
        "pers_person_id,pers_forename,pers_surname,pers_dob\n"
        "C1,Kofi,Ashcombe,1899-12-31\n"
        "C2,Ava,Oakholme,15/01/2011\n"
    )
    bad["missing.csv"] = (
        "miss_table_id,miss_person_id,miss_missing_episode_start_date,miss_missing_episode_end_date\n"
        "M1,C1,0001-01-01T00:00:00+01:00,0149-05-16T16:05:15\n"
    )
    bad["address.csv"] = (
        "addr_table_id,addr_person_id,addr_address_start_date,csh_imd_decile\n"
        "A1,C1,2019-03-15,99999999999999999999\n"
    )
    result = run_import(folder(tmp_path, bad), actor=None)
    errors = [str(e) for e in result.errors]
    assert "person.csv:2: pers_dob: the date of birth must be on or after 1 January 1900" in errors
    assert any(e.startswith("missing.csv:2: miss_missing_episode_start_date: '0001-01-01") for e in errors)
    assert (
        "missing.csv:2: miss_missing_episode_end_date: the date must be on or after 1 January 2000" in errors
    )
    assert any(e.startswith("address.csv:2: csh_imd_decile:") for e in errors), errors


def test_a_well_formed_but_impossible_time_is_a_400(hub: dict[str, Any]) -> None:
    response = Client(raise_request_exception=False).post(
        "/api/v1/missing-episodes/",
        {"child": hub["child"].pk, "police_reference": "GMP-6060", "reported_at": "2026-01-05T14:60:00Z"},
        content_type="application/json",
        **_bearer(hub["manager"]),
    )
    assert response.status_code == 400
    assert "reported_at" in response.json()


def test_an_extract_with_a_nul_byte_is_a_line_error(db: Any, tmp_path: Any) -> None:
    from cshub.interchange.importer import run_import
    from cshub.interchange.tests.test_import_export import GOOD, folder

    bad = dict(GOOD)
    bad["person.csv"] = (
        "pers_person_id,pers_forename,pers_surname,pers_dob\nC1,Ko\x00fi,Ashcombe,2010-05-04\nC2,Ava,Oakholme,2011-01-15\n"
    )
    result = run_import(folder(tmp_path, bad), actor=None)
    assert [str(e) for e in result.errors] == ["person.csv:2: pers_forename: contains a NUL character"]


def test_every_api_datetime_field_refuses_naive_values() -> None:
    from rest_framework import serializers

    from cshub.api import serializers as api
    from cshub.api.fields import AwareDateTimeField

    found = []
    for obj in vars(api).values():
        if (
            isinstance(obj, type)
            and issubclass(obj, serializers.Serializer)
            and obj.__module__ == api.__name__
            and not (issubclass(obj, serializers.ModelSerializer) and not hasattr(obj, "Meta"))  # a base
        ):
            for name, field in obj().fields.items():
                if isinstance(field, serializers.DateTimeField):
                    found.append(name)
                    assert isinstance(field, AwareDateTimeField), f"{obj.__name__}.{name}"
    assert found  # reported_at, returned_at
