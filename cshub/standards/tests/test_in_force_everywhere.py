"""Figures and due lists use the standard in force on the day they are about
(docs/practice-standards.md, docs/metrics.md)."""

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from cshub.assurance.metrics import Period
from cshub.assurance.metrics.drilldown import DRILLS
from cshub.assurance.metrics.practice import assessments, supervision
from cshub.casework.models import CaseSummary
from cshub.core.dates import format_date, local_today
from cshub.standards.actions import set_standard
from cshub.standards.models import PracticeStandard

pytestmark = pytest.mark.django_db

TODAY = local_today()


def _version(hub: dict[str, Any], code: str, version: int, days: int, start: dt.date) -> None:
    """A version from a day set_standard no longer accepts (a past month): test set-up only."""
    PracticeStandard.objects.create(
        code=code, version=version, days=days, effective_from=start, reason="Set-up", set_by=hub["manager"]
    )


def test_a_due_date_on_the_childs_page_moves_when_the_standard_changes(
    hub: dict[str, Any], client_for: Any
) -> None:
    hub["assessment"].findings.all().delete()
    hub["assessment"].delete()
    url = reverse("casework:child", args=[hub["child"].pk])
    client = client_for("practitioner")
    # Opened 28 days ago, no assessment: the first is due today by the default 28 days.
    page = client.get(url).content.decode()
    assert f"First exploitation risk assessment</strong>: {format_date(TODAY)}" in page
    set_standard("ASSESSMENT_FIRST", 35, TODAY, "Partner agencies asked for longer", actor=hub["manager"])
    page = client.get(url).content.decode()
    assert f"First exploitation risk assessment</strong>: {format_date(TODAY + dt.timedelta(days=7))}" in page


def test_the_case_summary_warning_follows_the_summary_standard(hub: dict[str, Any], client_for: Any) -> None:
    CaseSummary.objects.filter(person=hub["child"]).update(written_at=timezone.now() - dt.timedelta(days=12))
    url = reverse("casework:child", args=[hub["child"].pk])
    assert "This summary is more than" not in client_for("practitioner").get(url).content.decode()
    set_standard("SUMMARY", 7, TODAY, "Monthly summaries were drifting", actor=hub["manager"])
    assert "This summary is more than 7 days old" in client_for("practitioner").get(url).content.decode()


def test_the_supervision_figure_of_a_past_day_is_unchanged_by_a_later_change(hub: dict[str, Any]) -> None:
    # Last supervised 20 days ago: within the default 28 days.
    past = Period(TODAY - dt.timedelta(days=90), TODAY - dt.timedelta(days=1))
    current = Period(TODAY - dt.timedelta(days=30), TODAY)
    assert supervision(past)["supervision.overdue"].value == 0
    assert supervision(current)["supervision.overdue"].value == 0
    set_standard("SUPERVISION", 14, TODAY, "Case audit: supervision drift", actor=hub["manager"])
    # Measured yesterday: the standard of yesterday (28 days), as reported then.
    assert supervision(past)["supervision.overdue"].value == 0
    assert DRILLS["supervision.overdue"].records(past).count() == 0
    # Measured today: the new standard (14 days).
    assert supervision(current)["supervision.overdue"].value == 1
    assert DRILLS["supervision.overdue"].records(current).count() == 1


def test_within_4_weeks_is_judged_by_the_standard_in_force_on_the_opening_day(hub: dict[str, Any]) -> None:
    # The hub's episode opened 28 days ago; its first assessment was 21 days after.
    opened = hub["episode"].open_date
    period = Period(TODAY - dt.timedelta(days=30), TODAY)
    figure = assessments(period)["assessments.within_4_weeks"]
    assert (figure.numerator, figure.denominator) == (1, 1)
    _version(hub, "ASSESSMENT_FIRST", 1, 14, opened - dt.timedelta(days=10))
    _version(hub, "ASSESSMENT_FIRST", 2, 30, opened + dt.timedelta(days=1))  # after the opening
    figure = assessments(period)["assessments.within_4_weeks"]
    assert (figure.numerator, figure.denominator) == (0, 1)
    _version(hub, "ASSESSMENT_FIRST", 3, 21, opened)  # the same day, a higher version
    figure = assessments(period)["assessments.within_4_weeks"]
    assert (figure.numerator, figure.denominator) == (1, 1)
