import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from cshub.casework import actions as casework
from cshub.casework import due
from cshub.conftest import TODAY
from cshub.missing import actions as missing
from cshub.standards.standards import CODES, default

D = dt.date
# The settings' standards (the defaults), as `in_force` gives them before any version.
DEFAULTS = {code: default(code) for code in CODES}


def test_the_first_assessment_is_due_four_weeks_after_opening() -> None:
    result = due.assessment_due(D(2026, 2, 1), None, None, DEFAULTS)
    assert result.due_date == D(2026, 3, 1)
    assert result.what == "First exploitation risk assessment"
    assert not result.overdue(D(2026, 3, 1)) and result.overdue(D(2026, 3, 2))


def test_reviews_are_due_every_three_months_or_a_week_after_a_high_risk_episode() -> None:
    assert due.assessment_due(D(2026, 1, 1), D(2026, 2, 1), None, DEFAULTS).due_date == D(2026, 5, 3)
    sooner = due.assessment_due(D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 10), DEFAULTS)
    assert sooner.due_date == D(2026, 3, 17) and "high-risk missing" in sooner.why
    later_than_review = due.assessment_due(D(2026, 1, 1), D(2026, 2, 1), D(2026, 4, 30), DEFAULTS)
    assert later_than_review.due_date == D(2026, 5, 3)


@pytest.mark.django_db
def test_a_high_risk_missing_episode_after_the_assessment_brings_the_review_forward(
    hub: dict[str, Any],
) -> None:
    episode, worker = hub["episode"], hub["worker"]
    hub["assessment"].findings.all().delete()
    hub["assessment"].delete()
    # Opened 28 days ago, no assessment: due today, not yet overdue.
    assert due.for_episode(episode).due_date == TODAY
    assert all(p != hub["child"] for p, _ in due.overdue_for_meeting(TODAY))
    assert any(p == hub["child"] for p, _ in due.overdue_for_meeting(TODAY + dt.timedelta(days=1)))
    casework.record_assessment(
        episode, casework.AssessmentRecord(TODAY - dt.timedelta(days=20), "MEDIUM"), actor=hub["manager"]
    )
    assert due.for_episode(episode).due_date == TODAY + dt.timedelta(days=71)
    reported = timezone.now() - dt.timedelta(days=10)
    missing.record_missing_episode(
        hub["child"], missing.MissingReport(reported_at=reported, police_risk="HIGH"), actor=worker
    )
    assert due.for_episode(episode).due_date == timezone.localtime(reported).date() + dt.timedelta(days=7)
    assert any(p == hub["child"] for p, _ in due.overdue_for_meeting(TODAY))


@pytest.mark.django_db
def test_due_dates_with_several_assessments_and_high_risk_episodes(hub: dict[str, Any]) -> None:
    episode = hub["episode"]
    for days_ago in (15, 10):
        casework.record_assessment(
            episode,
            casework.AssessmentRecord(TODAY - dt.timedelta(days=days_ago), "HIGH"),
            actor=hub["manager"],
        )
    for hours_ago in (30, 60):
        missing.record_missing_episode(
            hub["child"],
            missing.MissingReport(
                reported_at=timezone.now() - dt.timedelta(hours=hours_ago), police_risk="HIGH"
            ),
            actor=hub["worker"],
        )
    result = due.for_episode(episode)
    assert result.why == "after a high-risk missing episode"
    assert len(due.overdue_for_meeting(TODAY + dt.timedelta(days=30))) == 1
