"""The child's current risk level (issue 16, "Risk in sight"): the last reviewed
assessment's level and date, and whether a review is overdue, everywhere a worker looks
first, read by one annotation in a constant number of queries."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cshub.access.models import User
from cshub.assessments import actions as assessments
from cshub.casework import actions as casework
from cshub.casework import due
from cshub.casework.models import Episode
from cshub.casework.risk import current_risk, with_current_risk
from cshub.conftest import TODAY, make_child, make_referral
from cshub.missing import actions as missing
from cshub.referrals import actions as referrals

pytestmark = pytest.mark.django_db


def _open_child(hub: dict[str, Any], forename: str, level: str = "", days_open: int = 10) -> Any:
    manager, worker = hub["manager"], hub["worker"]
    child = make_child(worker, forename, "Riskworth")
    referral = make_referral(child, worker, days_ago=days_open)
    referrals.decide_referral(
        referral,
        "OPEN",
        "Meets threshold.",
        actor=manager,
        decision_date=TODAY - dt.timedelta(days=days_open),
    )
    episode = casework.open_episode(
        referral, actor=manager, open_date=TODAY - dt.timedelta(days=days_open), allocated_worker=worker
    )
    if level:
        casework.record_assessment(
            episode,
            casework.AssessmentRecord(
                TODAY - dt.timedelta(days=2), level, reviewer=manager, reviewer_risk_level=level
            ),
            actor=manager,
        )
    return child


def test_the_current_level_is_the_last_reviewed_assessment(hub: dict[str, Any]) -> None:
    child = hub["child"]
    # The hub's assessment (medium, 7 days ago) has not been reviewed yet.
    risk = current_risk(child.pk)
    assert risk.level is None and risk.assessed_on is None and risk.open
    assessments.review_assessment(hub["assessment"], "HIGH", "Found 40 miles away.", actor=hub["manager"])
    risk = current_risk(child.pk)
    assert risk.level == "HIGH" and risk.label == "High"
    assert risk.assessed_on == TODAY - dt.timedelta(days=7)
    assert not risk.review_overdue


def test_review_overdue_agrees_with_what_is_due(hub: dict[str, Any]) -> None:
    """The SQL rule gives the same answer as `casework.due` on every day around the due
    date: no assessment, three-monthly reviews, and a high-risk missing episode."""
    child, episode = hub["child"], hub["episode"]

    def agree() -> None:
        for offset in range(-3, 100):
            day = TODAY + dt.timedelta(days=offset)
            expected = due.for_episode(episode).overdue(day)
            assert current_risk(child.pk, day).review_overdue is expected, (offset, expected)

    agree()  # one assessment, 7 days ago: a review due in three months
    missing.record_missing_episode(
        child,
        missing.MissingReport(reported_at=timezone.now() - dt.timedelta(days=3), police_risk="HIGH"),
        actor=hub["worker"],
    )
    agree()  # a week after the high-risk episode
    hub["assessment"].findings.all().delete()
    hub["assessment"].delete()
    agree()  # no assessment: four weeks after opening


def test_a_closed_child_has_no_review_overdue(hub: dict[str, Any]) -> None:
    risk = current_risk(hub["second"].pk, TODAY + dt.timedelta(days=400))
    assert not risk.open and not risk.review_overdue and risk.level is None


def test_the_annotation_reads_every_row_in_one_query(hub: dict[str, Any]) -> None:
    for name, level in (("Ada", "HIGH"), ("Bea", "LOW"), ("Cal", "MEDIUM")):
        _open_child(hub, name, level)
    with CaptureQueriesContext(connection) as ctx:
        rows = list(with_current_risk(Episode.objects.open()))
    # One query for the rows, however many, and one for the practice standards in force
    # today (cshub.standards: read once per call, never once a row).
    assert len(ctx.captured_queries) == 2
    levels = sorted(r.risk_level or "" for r in rows)  # type: ignore[attr-defined]
    assert levels == ["", "HIGH", "LOW", "MEDIUM"]


def test_the_identity_bar_shows_the_current_risk(
    hub: dict[str, Any], client_for: Callable[[str], Client]
) -> None:
    child = hub["child"]
    client = client_for("practitioner")
    page = client.get(reverse("casework:child", args=[child.pk])).content.decode()
    assert "No reviewed risk assessment" in page
    assessments.review_assessment(hub["assessment"], "HIGH", "Found 40 miles away.", actor=hub["manager"])
    for url in (reverse("casework:child", args=[child.pk]), reverse("people:timeline", args=[child.pk])):
        page = client.get(url).content.decode()
        assert "High risk" in page, url
        assert f"assessed {TODAY - dt.timedelta(days=7):%-d %B %Y}" in page, url
        assert "Review overdue" not in page
    page = client.get(reverse("casework:child", args=[child.pk])).content.decode()
    assert "Current risk" in page  # the overview's summary


def test_the_identity_bar_says_when_a_review_is_overdue(
    hub: dict[str, Any], client_for: Callable[[str], Client]
) -> None:
    child = _open_child(hub, "Dex", days_open=40)
    page = client_for("practitioner").get(reverse("casework:child", args=[child.pk])).content.decode()
    assert "Review overdue" in page


def _caseload_rows(page: str) -> list[str]:
    return [name for name in ("Ada", "Bea", "Cal", "Kofi") if name in page]


def _order(page: str, names: list[str]) -> list[str]:
    return sorted(names, key=page.index)


@pytest.mark.parametrize("url", ["casework:my_caseload", "casework:team_caseload"])
def test_caseloads_show_filter_and_sort_by_current_risk(
    hub: dict[str, Any], client_for: Callable[[str], Client], personas: dict[str, User], url: str
) -> None:
    for name, level in (("Ada", "LOW"), ("Bea", "HIGH"), ("Cal", "MEDIUM")):
        _open_child(hub, name, level)
    client = client_for("team_manager" if url.endswith("team_caseload") else "practitioner")
    page = client.get(reverse(url)).content.decode()
    assert "Current risk" in page and "High" in page
    high = client.get(reverse(url), {"risk": "HIGH"}).content.decode()
    assert "Bea Riskworth" in high and "Ada Riskworth" not in high and "Cal Riskworth" not in high
    none = client.get(reverse(url), {"risk": "NONE"}).content.decode()
    assert "Kofi" in none and "Bea Riskworth" not in none
    by_risk = client.get(reverse(url), {"sort": "risk"}).content.decode()
    assert _order(by_risk, ["Ada Riskworth", "Bea Riskworth", "Cal Riskworth"]) == [
        "Bea Riskworth",
        "Cal Riskworth",
        "Ada Riskworth",
    ]
    overdue = client.get(reverse(url), {"risk": "OVERDUE"}).content.decode()
    assert "Bea Riskworth" not in overdue


@pytest.mark.parametrize(
    ("url", "persona"),
    [("casework:my_caseload", "practitioner"), ("casework:team_caseload", "team_manager")],
)
def test_caseload_queries_do_not_grow_with_the_children(
    hub: dict[str, Any], client_for: Callable[[str], Client], url: str, persona: str
) -> None:
    client = client_for(persona)
    client.get(reverse(url))

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(url), {"sort": "risk"}).status_code == 200
        return sum("casework_assessment" in q["sql"] for q in ctx.captured_queries)

    before = count()
    for name in ("Ada", "Bea", "Cal"):
        _open_child(hub, name, "HIGH")
    assert count() == before


@pytest.mark.parametrize(
    "persona", ["practitioner", "team_manager", "missing_worker", "analyst", "strategic_lead", "sysadmin"]
)
def test_caseload_filters_are_refused_without_the_permission(
    client_for: Callable[[str], Client], personas: dict[str, User], persona: str
) -> None:
    client = client_for(persona)
    user = personas[persona]
    from cshub.access.permissions import Perm

    for url, perm in (
        ("casework:my_caseload", Perm.WRITE_CASE_SUMMARY),
        ("casework:team_caseload", Perm.VIEW_TEAM_CASELOAD),
    ):
        status = client.get(reverse(url), {"risk": "HIGH", "sort": "risk"}).status_code
        assert status == (200 if user.has(perm) else 403)
