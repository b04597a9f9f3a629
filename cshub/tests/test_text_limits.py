"""Size limits (issue 12): names 100 characters, short text 300, long text 20,000, API
bodies 1 MB; refused on the page, over the API and in the actions, with a clear message."""

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cshub.access.actions import create_api_token
from cshub.casework import actions as casework
from cshub.casework.models import CaseSummary
from cshub.core.limits import API_BODY_MAX_BYTES, LONG_TEXT_MAX, NAME_MAX
from cshub.meetings import actions as meetings
from cshub.meetings.models import AgendaItem
from cshub.missing import actions as missing
from cshub.missing.models import MissingEpisode, ReturnInterview
from cshub.people.models import Person
from cshub.referrals import actions as referrals
from cshub.referrals.models import Referral

OVER = "x" * (LONG_TEXT_MAX + 1)

# Text no one types: written by actions from bounded parts (and the audit table is
# append-only, with triggers a table rebuild would drop).
NOT_TYPED = {("audit", "auditevent", "reason"), ("people", "timelineentry", "summary")}


def test_every_free_text_field_has_the_long_text_limit():
    unbounded = [
        f"{m._meta.label}.{f.name}"
        for m in apps.get_models()
        if m.__module__.startswith("cshub.")
        for f in m._meta.concrete_fields
        if isinstance(f, models.TextField)
        and (m._meta.app_label, m._meta.model_name, f.name) not in NOT_TYPED
        and (
            f.max_length != LONG_TEXT_MAX
            or not any(getattr(v, "limit_value", None) == LONG_TEXT_MAX for v in f.validators)
        )
    ]
    assert unbounded == []


# Actions --------------------------------------------------------------------------------


def _summary(hub: dict[str, Any], text: str) -> Any:
    return casework.write_case_summary(
        hub["child"], casework.CaseSummaryText(text, "Risks", "Working", "Plan"), actor=hub["worker"]
    )


def _referral(hub: dict[str, Any], text: str) -> Any:
    return referrals.record_referral(
        hub["second"],
        referrals.ReferralDetails(received_date=dt.date.today(), primary_type="CSE", concerns=text),  # noqa: DTZ011
        actor=hub["worker"],
    )


def _decision(hub: dict[str, Any], text: str) -> Any:
    pending = referrals.record_referral(
        hub["second"],
        referrals.ReferralDetails(received_date=dt.date.today(), primary_type="CSE"),  # noqa: DTZ011
        actor=hub["worker"],
    )
    return referrals.decide_referral(pending, "NFA", text, actor=hub["manager"])


def _missing(hub: dict[str, Any], text: str) -> Any:
    return missing.record_missing_episode(
        hub["second"],
        missing.MissingReport(reported_at=timezone.now() - dt.timedelta(hours=3), circumstances=text),
        actor=hub["worker"],
    )


def _interview(hub: dict[str, Any], text: str) -> Any:
    episode = missing.record_missing_episode(
        hub["second"],
        missing.MissingReport(
            reported_at=timezone.now() - dt.timedelta(hours=30),
            returned_at=timezone.now() - dt.timedelta(hours=20),
        ),
        actor=hub["worker"],
    )
    return missing.record_return_interview(
        episode,
        missing.InterviewRecord(outcome="COMPLETED", completed_at=timezone.now(), child_account=text),
        actor=hub["manager"],
    )


def _minutes(hub: dict[str, Any], text: str) -> Any:
    return meetings.save_minutes(hub["item"], discussion=text, decision="", actor=hub["manager"])


ACTIONS: list[tuple[Callable[[dict[str, Any], str], Any], type[models.Model], str, str]] = [
    (_summary, CaseSummary, "who_the_child_is", "Who the child is must be 20,000 characters or fewer"),
    (_referral, Referral, "concerns", "What the concerns are must be 20,000 characters or fewer"),
    (_decision, Referral, "decision_rationale", "Decision rationale must be 20,000 characters or fewer"),
    (_missing, MissingEpisode, "circumstances", "Circumstances must be 20,000 characters or fewer"),
    (
        _interview,
        ReturnInterview,
        "child_account",
        "The child's account, in their words must be 20,000 characters or fewer",
    ),
    (_minutes, AgendaItem, "discussion", "Discussion must be 20,000 characters or fewer"),
]


@pytest.fixture
def limits_hub(hub: dict[str, Any], personas: dict[str, Any]) -> dict[str, Any]:
    return {**hub, "worker": personas["practitioner"], "manager": personas["team_manager"]}


@pytest.mark.parametrize(
    ("action", "model", "field", "message"), ACTIONS, ids=[a[0].__name__ for a in ACTIONS]
)
def test_an_action_refuses_text_over_the_limit_and_keeps_text_at_the_limit(
    limits_hub, action, model, field, message
):
    with pytest.raises(ValidationError) as refused:
        action(limits_hub, OVER)
    assert refused.value.message_dict[field] == [message]
    assert not model.objects.filter(**{f"{field}__startswith": "xxxxx"}).exists()
    action(limits_hub, "x" * LONG_TEXT_MAX)  # the limit itself is kept
    assert model.objects.filter(**{field: "x" * LONG_TEXT_MAX}).exists()


# Pages ----------------------------------------------------------------------------------


def test_the_case_summary_page_refuses_a_summary_over_the_limit(hub, client_for):
    before = CaseSummary.objects.count()
    response = client_for("practitioner").post(
        reverse("casework:edit_summary", args=[hub["child"].pk]),
        {"who_the_child_is": OVER, "current_risks": "R", "what_is_working": "W", "the_plan": "P"},
    )
    assert response.status_code == 200
    assert "Who the child is must be 20,000 characters or fewer" in response.content.decode()
    assert CaseSummary.objects.count() == before


def test_the_add_person_page_refuses_a_name_over_100_characters(hub, client_for):
    response = client_for("practitioner").post(
        reverse("people:create"),
        {"forename": "A" * (NAME_MAX + 1), "surname": "Brook", "person_type": "CHILD", "confirmed": "yes"},
    )
    assert "First name must be 100 characters or fewer" in response.content.decode()
    assert not Person.objects.filter(surname="Brook").exists()


def test_autosave_refuses_minutes_over_the_limit_and_keeps_what_was_saved(hub, client_for):
    client, item = client_for("practitioner"), hub["item"]
    url = reverse("meetings:autosave", args=[item.pk])
    saved = client.post(url, {f"m{item.pk}-discussion": "Seen at the flat", f"m{item.pk}-decision": "Refer"})
    assert saved.status_code == 200
    response = client.post(url, {f"m{item.pk}-discussion": OVER, f"m{item.pk}-decision": "Changed"})
    assert response.status_code == 400
    assert json.loads(response.content) == {
        "saved": False,
        "error": "Discussion must be 20,000 characters or fewer",
    }
    item.refresh_from_db()
    assert (item.discussion, item.decision) == ("Seen at the flat", "Refer")


# API ------------------------------------------------------------------------------------


@pytest.fixture
def feed(hub, personas) -> dict[str, str]:
    _, token = create_api_token(personas["missing_worker"], "police feed", actor=personas["missing_worker"])
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _report(**extra: Any) -> dict[str, Any]:
    return {
        "police_reference": "GMP-LIMITS-1",
        "reported_at": (timezone.now() - dt.timedelta(hours=2)).isoformat(),
        **extra,
    }


def test_the_api_refuses_circumstances_over_the_limit(hub, feed):
    response = Client().post(
        "/api/v1/missing-episodes/",
        _report(child=hub["child"].pk, circumstances=OVER),
        content_type="application/json",
        **feed,
    )
    assert response.status_code == 400
    assert response.json() == {"circumstances": ["Circumstances must be 20,000 characters or fewer"]}
    assert not MissingEpisode.objects.filter(police_reference="GMP-LIMITS-1").exists()


def test_the_api_refuses_a_reported_name_over_100_characters(hub, feed):
    response = Client().post(
        "/api/v1/missing-episodes/",
        _report(person={"forename": "A" * (NAME_MAX + 1), "surname": "Brook"}),
        content_type="application/json",
        **feed,
    )
    assert response.status_code == 400
    assert response.json() == {"person": {"forename": ["Forename must be 100 characters or fewer"]}}


def test_an_api_body_over_1_mb_is_answered_413_before_it_is_read(hub, feed):
    body = json.dumps(_report(child=hub["child"].pk, circumstances="x" * API_BODY_MAX_BYTES))
    response = Client().post("/api/v1/missing-episodes/", body, content_type="application/json", **feed)
    assert response.status_code == 413
    assert response.json()["detail"].startswith("The request body is over 1 MB")
    assert not MissingEpisode.objects.filter(police_reference="GMP-LIMITS-1").exists()


def test_an_api_body_without_a_length_is_refused_not_read_as_empty(hub, feed):
    body = json.dumps(_report(child=hub["child"].pk))
    response = Client().post(
        "/api/v1/missing-episodes/",
        body,
        content_type="application/json",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **feed,
    )
    assert response.status_code == 411
    assert "Content-Length" in response.json()["detail"]


# Lists ----------------------------------------------------------------------------------

LISTS = [
    (
        "referrals:list",
        "team_manager",
        ['"referrals_referral"."concerns"', '"people_person"."restricted_reason"'],
    ),
    (
        "casework:team_caseload",
        "team_manager",
        ['"casework_episode"."closure_summary"', '"referrals_referral"."concerns"'],
    ),
    (
        "casework:my_caseload",
        "practitioner",
        ['"casework_episode"."closure_summary"', '"referrals_referral"."concerns"'],
    ),
    ("missing:queue", "missing_worker", ['"missing_missingepisode"."circumstances"']),
    ("missing:reviews", "team_manager", ['"missing_returninterview"."child_account"']),
]


@pytest.mark.parametrize(("url", "role", "columns"), LISTS, ids=[u for u, _, _ in LISTS])
def test_list_pages_do_not_read_long_text_they_do_not_show(hub, client_for, url, role, columns):
    client = client_for(role)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(url)).status_code == 200
    read = [c for c in columns for q in queries.captured_queries if c in q["sql"]]
    assert read == []


def test_api_lists_do_not_read_long_text_their_serializer_does_not_show(hub, personas):
    _, token = create_api_token(personas["practitioner"], "feed", actor=personas["practitioner"])
    with CaptureQueriesContext(connection) as queries:
        response = Client().get("/api/v1/episodes/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200 and response.json()["results"]
    assert not [q for q in queries.captured_queries if '"casework_episode"."closure_summary"' in q["sql"]]


def test_a_form_shows_an_action_error_about_a_field_it_does_not_have_at_the_top():
    from cshub.core.forms import GovukForm

    class NoteForm(GovukForm):
        note = forms.CharField(widget=forms.Textarea)

    form = NoteForm({"note": "Seen at the flat"})
    assert form.is_valid()
    form.add_error(
        None,
        ValidationError(
            {
                "found_location": "Where the child was found must be 200 characters or fewer",
                "note": "Enter a note",
            }
        ),
    )
    assert form.non_field_errors() == ["Where the child was found must be 200 characters or fewer"]
    assert form.errors["note"] == ["Enter a note"]


def test_every_text_field_of_a_form_has_a_limit_and_says_it():
    from cshub.core.forms import GovukForm

    class NoteForm(GovukForm):
        note = forms.CharField(label="Note", widget=forms.Textarea)
        place = forms.CharField(label="Place")

    form = NoteForm({"note": OVER, "place": "p" * 301})
    assert not form.is_valid()
    assert form.errors == {
        "note": ["Note must be 20,000 characters or fewer"],
        "place": ["Place must be 300 characters or fewer"],
    }
