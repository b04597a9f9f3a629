"""Consultation pages: the form's messages, the three ways of saying who it is about, the
prompt, the referral page, the home page's follow-ups, the list and who sees what."""

import dataclasses
import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from cshub.conftest import make_child
from cshub.consultations import actions
from cshub.consultations.models import Consultation
from cshub.consultations.tests.test_rules import at, details
from cshub.people import actions as people
from cshub.people.models import Person

pytestmark = pytest.mark.django_db


def form(**changes: str) -> dict[str, str]:
    now = timezone.localtime()
    data = {
        "occurred_date_day": str(now.day),
        "occurred_date_month": str(now.month),
        "occurred_date_year": str(now.year),
        "occurred_time": "00:01",
        "how": "PHONE",
        "caller_agency": "EDUCATION",
        "caller_role": "Head of year",
        "about": "ANONYMOUS",
        "types": "CCE",
        "worry": "Seen getting into cars with older men after school.",
        "advice": "Share the registration numbers with the police.",
        "outcome": "ADVICE_ONLY",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_the_required_fields_are_refused_with_messages_on_the_fields(client_for: Any) -> None:
    response = client_for("practitioner").post(
        reverse("consultations:record"), form(how="", caller_agency="", advice="", outcome="")
    )
    assert response.status_code == 200
    page = response.content.decode()
    for message in (
        "Select how the caller got in touch",
        "Select the caller&#x27;s agency",
        "Enter the advice given",
        "Select the outcome of the consultation",
    ):
        assert message in page
    assert 'id="id_advice-error"' in page and 'id="id_caller_agency-error"' in page
    assert not Consultation.objects.exists()


def test_an_anonymous_consultation_with_no_details_is_recorded(client_for: Any) -> None:
    response = client_for("missing_worker").post(
        reverse("consultations:record"), form(types="", worry="", caller_role="")
    )
    made = Consultation.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "consultations:detail", args=[made.pk]
    )
    assert made.anonymous and made.anonymous_initials == ""


def test_a_new_child_is_checked_for_duplicates_before_a_record_is_made(
    client_for: Any, personas: dict[str, Any]
) -> None:
    existing = make_child(personas["practitioner"])
    client = client_for("practitioner")
    new = form(
        about="NEW",
        forename="Kofi",
        surname="Ashcombe",
        date_of_birth_day=str(existing.date_of_birth.day),
        date_of_birth_month=str(existing.date_of_birth.month),
        date_of_birth_year=str(existing.date_of_birth.year),
    )
    shown = client.post(reverse("consultations:record"), new)
    assert shown.status_code == 200
    assert reverse("consultations:record_for", args=[existing.pk]) in shown.content.decode()
    assert not Consultation.objects.exists() and Person.objects.count() == 1
    made = client.post(reverse("consultations:record"), {**new, "confirmed": "yes"})
    assert made.status_code == 302
    consultation = Consultation.objects.get()
    assert consultation.person is not None and consultation.person != existing
    assert Person.objects.count() == 2


def test_a_new_child_is_not_created_when_the_consultation_is_refused(client_for: Any) -> None:
    response = client_for("practitioner").post(
        reverse("consultations:record"),
        form(
            about="NEW",
            forename="Zed",
            surname="Quillon",
            date_of_birth_day="1",
            date_of_birth_month="2",
            date_of_birth_year="2012",
            advice="",
        ),
    )
    assert response.status_code == 200 and not Person.objects.exists()


def test_a_restricted_childs_consultation_is_not_found_by_those_not_named(
    client_for: Any, personas: dict[str, Any]
) -> None:
    worker, manager = personas["practitioner"], personas["team_manager"]
    child = make_child(worker, "Tia", "Cinderwick")
    made = actions.record_consultation(details(), person=child, actor=worker)
    people.set_restriction(child, True, "Relative of staff", actor=manager)
    url = reverse("consultations:detail", args=[made.pk])
    assert client_for("practitioner").get(url).status_code == 404
    assert client_for("team_manager").get(url).status_code == 200  # named on the record
    listed = client_for("practitioner").get(reverse("consultations:list")).content.decode()
    assert "Cinderwick" not in listed


def test_the_third_consultation_in_90_days_shows_the_prompt_with_the_convert_button(
    client_for: Any, personas: dict[str, Any]
) -> None:
    worker = personas["practitioner"]
    child = make_child(worker)
    day = dt.date(2026, 8, 20)
    for days_before in (60, 20):
        actions.record_consultation(
            details(occurred_at=at(day - dt.timedelta(days=days_before))), person=child, actor=worker
        )
    third = actions.record_consultation(details(occurred_at=at(day)), person=child, actor=worker)
    page = client_for("practitioner").get(reverse("consultations:detail", args=[third.pk])).content.decode()
    assert "govuk-notification-banner" in page and "discussed with the hub twice before" in page
    assert reverse("consultations:convert", args=[third.pk]) in page


def test_the_referral_page_says_where_it_came_from_and_the_earlier_consultations(
    client_for: Any, personas: dict[str, Any]
) -> None:
    worker = personas["practitioner"]
    child = make_child(worker)
    today = timezone.localdate()
    actions.record_consultation(
        details(occurred_at=at(today - dt.timedelta(days=40))), person=child, actor=worker
    )
    actions.record_consultation(
        details(occurred_at=at(today - dt.timedelta(days=10))), person=child, actor=worker
    )
    actions.record_consultation(
        details(occurred_at=at(today - dt.timedelta(days=120))), person=child, actor=worker
    )
    source = actions.record_consultation(
        details(occurred_at=timezone.now() - dt.timedelta(minutes=5)), person=child, actor=worker
    )
    client = client_for("practitioner")
    response = client.post(
        reverse("consultations:convert", args=[source.pk]),
        {
            "received_date_day": str(today.day),
            "received_date_month": str(today.month),
            "received_date_year": str(today.year),
            "primary_type": "CCE",
            "concerns": source.worry,
        },
    )
    source.refresh_from_db()
    assert source.referral is not None
    assert response["Location"] == reverse("referrals:detail", args=[source.referral.pk])
    page = client.get(response["Location"]).content.decode()
    assert "the consultation of" in page and reverse("consultations:detail", args=[source.pk]) in page
    assert "discussed with the hub twice in the last 90 days" in page
    create = client.get(reverse("referrals:create", args=[child.pk])).content.decode()
    assert "discussed with the hub 3 times in the last 90 days" in create


def test_a_follow_up_is_on_the_recording_workers_home_page_until_it_is_recorded(
    client_for: Any, personas: dict[str, Any]
) -> None:
    worker = personas["practitioner"]
    made = actions.record_consultation(details(follow_up_on=timezone.localdate()), actor=worker)
    link = reverse("consultations:detail", args=[made.pk])
    client = client_for("practitioner")
    assert link in client.get(reverse("home")).content.decode()
    assert link not in client_for("team_manager").get(reverse("home")).content.decode()
    assert client.post(reverse("consultations:follow_up", args=[made.pk])).status_code == 302
    assert link not in client.get(reverse("home")).content.decode()


def test_the_list_filters_and_says_when_nothing_matches(client_for: Any, personas: dict[str, Any]) -> None:
    worker = personas["practitioner"]
    client = client_for("practitioner")
    assert (
        "No consultations have been recorded yet"
        in client.get(reverse("consultations:list")).content.decode()
    )
    police = actions.record_consultation(dataclasses.replace(details(), caller_agency="POLICE"), actor=worker)
    school = actions.record_consultation(details(outcome="MASH_REFERRAL"), actor=worker)
    page = client.get(reverse("consultations:list"), {"agency": "POLICE"}).content.decode()
    assert reverse("consultations:detail", args=[police.pk]) in page
    assert reverse("consultations:detail", args=[school.pk]) not in page
    page = client.get(
        reverse("consultations:list"), {"outcome": "MASH_REFERRAL", "worker": worker.pk}
    ).content.decode()
    assert reverse("consultations:detail", args=[school.pk]) in page
    assert reverse("consultations:detail", args=[police.pk]) not in page
    assert (
        "No consultation matches these filters"
        in client.get(reverse("consultations:list"), {"due": "on"}).content.decode()
    )


def test_linking_an_anonymous_consultation_from_its_page(client_for: Any, personas: dict[str, Any]) -> None:
    worker = personas["practitioner"]
    made = actions.record_consultation(details(anonymous_initials="KA"), actor=worker)
    child = make_child(worker)
    client = client_for("practitioner")
    found = client.post(reverse("consultations:link", args=[made.pk]), {"name": "Kofi Ashcombe"})
    assert f'value="{child.pk}"' in found.content.decode()
    client.post(reverse("consultations:link", args=[made.pk]), {"person": str(child.pk)})
    made.refresh_from_db()
    assert made.person == child
    timeline = client.get(reverse("people:timeline", args=[child.pk])).content.decode()
    assert reverse("consultations:detail", args=[made.pk]) in timeline


def test_a_filter_date_far_ahead_is_a_message_not_a_server_error(client_for: Any) -> None:
    response = client_for("practitioner").get(
        reverse("consultations:list"), {"end_day": "31", "end_month": "12", "end_year": "9999"}
    )
    assert response.status_code == 200
    assert "The to date must be within 10 years from today" in response.content.decode()
