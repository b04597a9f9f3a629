import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from cshub.access.actions import create_api_token
from cshub.missing import actions
from cshub.missing.models import MissingEpisode, ReturnInterview
from cshub.missing.queries import history, interview_queue


def test_record_a_missing_episode_through_the_page(hub, client_for):
    child = hub["child"]
    client = client_for("missing_worker")
    form = {
        "reported_date_day": "24",
        "reported_date_month": "10",
        "reported_date_year": "2025",
        "reported_time": "21:30",
        "returned_date_day": "25",
        "returned_date_month": "10",
        "returned_date_year": "2025",
        "returned_time": "9.15",
        "missing_type": "M",
        "from_care": "Y",
        "police_risk": "HIGH",
        "found_location": "A flat in another town",
    }
    response = client.post(f"/children/{child.pk}/missing/new/", form)
    assert response.status_code == 302
    episode = child.missing_episodes.get(found_location="A flat in another town")
    assert episode.reported_at == dt.datetime(2025, 10, 24, 20, 30, tzinfo=dt.UTC)  # 21:30 BST
    assert episode.from_care and episode.police_risk == "HIGH"
    assert b"Missing from home or care" in client.get(f"/children/{child.pk}/").content
    bad = client.post(f"/children/{child.pk}/missing/new/", {**form, "reported_time": "25:00"})
    assert b"Enter the time reported missing as hours and minutes" in bad.content


def test_queue_orders_by_time_left_and_shows_overdue(hub, personas):
    worker = personas["missing_worker"]
    child = hub["second"]
    now = timezone.now()
    late = actions.record_missing_episode(
        child,
        actions.MissingReport(
            reported_at=now - dt.timedelta(days=5), returned_at=now - dt.timedelta(hours=80)
        ),
        actor=worker,
    )
    soon = actions.record_missing_episode(
        child,
        actions.MissingReport(
            reported_at=now - dt.timedelta(days=1), returned_at=now - dt.timedelta(hours=10)
        ),
        actor=worker,
    )
    items = interview_queue(worker, now=now)
    order = [i.episode for i in items]
    assert order.index(late) < order.index(soon)
    late_item = next(i for i in items if i.episode == late)
    assert late_item.overdue and late_item.time_left == "Overdue by 8 hours"
    assert next(i for i in items if i.episode == soon).time_left == "2 days 14 hours left"
    actions.record_return_interview(soon, actions.InterviewRecord(outcome="DECLINED"), actor=worker)
    assert soon not in [i.episode for i in interview_queue(worker, now=now)]


def test_a_late_interview_needs_its_reason(hub, personas):
    worker = personas["missing_worker"]
    now = timezone.now()
    episode = actions.record_missing_episode(
        hub["second"],
        actions.MissingReport(
            reported_at=now - dt.timedelta(hours=100), returned_at=now - dt.timedelta(hours=90)
        ),
        actor=worker,
    )
    with pytest.raises(ValidationError, match="more than 72 hours"):
        actions.record_return_interview(
            episode, actions.InterviewRecord(outcome="COMPLETED", completed_at=now), actor=worker
        )
    actions.record_return_interview(
        episode,
        actions.InterviewRecord(
            outcome="COMPLETED", completed_at=now, delay_reason="The child was in hospital"
        ),
        actor=worker,
    )
    assert ReturnInterview.objects.get(missing_episode=episode).delay_reason == "The child was in hospital"


def test_interview_form_records_the_childs_words(hub, client_for):
    episode = hub["missing_episode"]
    now = timezone.localtime()
    response = client_for("missing_worker").post(
        f"/missing/{episode.pk}/interview/",
        {
            "outcome": "COMPLETED",
            "completed_date_day": now.day,
            "completed_date_month": now.month,
            "completed_date_year": now.year,
            "completed_time": now.strftime("%H:%M"),
            "child_account": "I stayed at a friend's. An older lad gave me a phone.",
            "exploitation_concern": "Y",
        },
    )
    assert response["Location"] == "/missing/return-interviews/"
    interview = ReturnInterview.objects.get(missing_episode=episode)
    assert interview.exploitation_concern is True and "older lad" in interview.child_account
    assert episode.person.timeline.filter(kind="RETURN_INTERVIEW").exists()


def test_history_counts(hub):
    h = history(hub["child"])
    assert (h.last_30, h.total) == (2, 2) and h.longest == dt.timedelta(hours=24) and not h.still_missing


def test_police_reports_over_the_api_are_idempotent(hub, personas):
    _, raw = create_api_token(personas["practitioner"], "police feed", actor=personas["practitioner"])
    auth = f"Bearer {raw}"
    body = {
        "child": hub["second"].pk,
        "police_reference": "GMP-24-001",
        "reported_at": "2025-06-01T21:00:00+01:00",
        "police_risk": "MEDIUM",
    }
    first = Client().post(
        "/api/v1/missing-episodes/", body, content_type="application/json", HTTP_AUTHORIZATION=auth
    )
    assert first.status_code == 201, first.content
    again = Client().post(
        "/api/v1/missing-episodes/", body, content_type="application/json", HTTP_AUTHORIZATION=auth
    )
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    update = Client().post(
        "/api/v1/missing-episodes/",
        {**body, "returned_at": "2025-06-02T08:00:00+01:00", "police_risk": "HIGH"},
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert update.status_code == 200
    episode = MissingEpisode.objects.get(police_reference="GMP-24-001")
    assert episode.police_risk == "HIGH" and episode.returned_at is not None
    other = Client().post(
        "/api/v1/missing-episodes/",
        {**body, "child": hub["child"].pk},
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert other.status_code == 400 and "another child" in other.content.decode()


def test_old_returns_leave_the_queue(hub, personas, settings):
    settings.CSHUB_RHI_QUEUE_DAYS = 30
    worker = personas["missing_worker"]
    now = timezone.now()
    old = actions.record_missing_episode(
        hub["second"],
        actions.MissingReport(
            reported_at=now - dt.timedelta(days=40), returned_at=now - dt.timedelta(days=39)
        ),
        actor=worker,
    )
    assert old not in [i.episode for i in interview_queue(worker, now=now)]
    assert hub["missing_episode"] in [i.episode for i in interview_queue(worker, now=now)]


def test_manager_review_refers_to_the_hub_with_the_interview(hub, client_for, personas):
    interview = hub["interview"]
    manager = client_for("team_manager")
    assert hub["child"].full_name in manager.get("/missing/reviews/").content.decode()
    page = manager.get(f"/missing/interviews/{interview.pk}/review/").content.decode()
    assert "An older lad gave me a phone." in page
    assert (
        "Enter the reason"
        in manager.post(f"/missing/interviews/{interview.pk}/review/", {"decision": "NFA"}).content.decode()
    )
    response = manager.post(
        f"/missing/interviews/{interview.pk}/review/",
        {"decision": "REFER_HUB", "exploitation_type": "CCE", "reason": "Signs of criminal exploitation"},
    )
    interview.refresh_from_db()
    referral = interview.follow_up_referral
    assert referral is not None and response["Location"] == f"/referrals/{referral.pk}/"
    assert referral.primary_type == "CCE" and "An older lad gave me a phone." in referral.concerns
    assert interview.reviewed_by == personas["team_manager"]
    assert (
        hub["child"]
        .timeline.filter(kind="INTERVIEW_REVIEWED", summary__contains="Signs of criminal exploitation")
        .exists()
    )
    with pytest.raises(ValidationError, match="already been reviewed"):
        actions.review_interview(interview, "NFA", "Again", actor=personas["team_manager"])


def test_a_police_resend_changes_only_what_it_sends(hub, personas):
    worker = personas["practitioner"]
    now = timezone.now()
    report = actions.MissingReport(
        reported_at=now - dt.timedelta(hours=10),
        returned_at=now - dt.timedelta(hours=2),
        police_reference="REF-9",
        found_with="Two adults",
        police_risk="MEDIUM",
    )
    episode, created = actions.receive_police_report(hub["second"], report, actor=worker)
    assert created
    bare = actions.MissingReport(reported_at=report.reported_at, police_reference="REF-9", police_risk="HIGH")
    actions.receive_police_report(
        hub["second"], bare, actor=worker, sent={"reported_at", "police_reference", "police_risk"}
    )
    episode.refresh_from_db()
    assert (episode.police_risk, episode.found_with) == ("HIGH", "Two adults")
    assert episode.returned_at == report.returned_at


def test_reusing_a_police_reference_on_the_page_is_explained(hub, client_for, personas):
    actions.record_missing_episode(
        hub["second"],
        actions.MissingReport(reported_at=timezone.now() - dt.timedelta(days=2), police_reference="REF-1"),
        actor=personas["practitioner"],
    )
    response = client_for("practitioner").post(
        f"/children/{hub['child'].pk}/missing/new/",
        {
            "reported_date_day": "1",
            "reported_date_month": "10",
            "reported_date_year": "2025",
            "reported_time": "21:00",
            "missing_type": "M",
            "from_care": "N",
            "police_reference": "REF-1",
        },
    )
    assert response.status_code == 200 and b"already recorded" in response.content


def test_trigger_settings_are_bounded(personas):
    from cshub.missing.models import TriggerRule

    with pytest.raises(ValidationError, match="up to 3650"):
        actions.update_trigger(
            TriggerRule.objects.get(kind="REPEAT"),
            threshold=3,
            days=1_000_000,
            active=True,
            actor=personas["team_manager"],
        )
