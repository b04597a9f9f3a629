"""Figures right by default (issue 16): the dashboard opens on the year to date, compared
with the same part of the year before, and a period that has not ended is measured to today."""

import datetime as dt
from typing import Any

import pytest

from cshub.assurance import forms
from cshub.assurance.forms import PeriodForm
from cshub.assurance.metrics import Period
from cshub.assurance.metrics.drilldown import children
from cshub.assurance.metrics.practice import supervision as supervision_metric
from cshub.conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_22_november_2026(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    day = dt.date(2026, 11, 22)
    monkeypatch.setattr(forms, "local_today", lambda: day)
    return day


def test_the_default_period_is_the_year_to_date_beside_the_same_part_of_the_year_before(
    on_22_november_2026: dt.date,
) -> None:
    period, previous, compared_with = PeriodForm(None).periods()
    assert period == Period(dt.date(2026, 4, 1), dt.date(2026, 11, 22))
    assert previous == Period(dt.date(2025, 4, 1), dt.date(2025, 11, 22))
    assert compared_with == "the same part of the year before"


def test_choosing_this_year_measures_it_to_today(on_22_november_2026: dt.date) -> None:
    period, previous, _ = PeriodForm({"year": "2026"}).periods()
    assert period.end == dt.date(2026, 11, 22) and previous.end == dt.date(2025, 11, 22)
    # A year that has ended is the whole year, beside the whole year before.
    period, previous, compared_with = PeriodForm({"year": "2025"}).periods()
    assert period == Period(dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    assert previous == Period(dt.date(2024, 4, 1), dt.date(2025, 3, 31))
    assert compared_with == "the year before"


def test_a_quarter_in_progress_is_measured_to_today(on_22_november_2026: dt.date) -> None:
    period, previous, compared_with = PeriodForm({"year": "2026", "quarter": "3"}).periods()
    assert period == Period(dt.date(2026, 10, 1), dt.date(2026, 11, 22))
    assert previous == Period(dt.date(2026, 7, 1), dt.date(2026, 8, 22))
    assert compared_with == "the same part of the quarter before"


def test_the_year_to_date_of_a_leap_day_is_compared_with_28_february(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forms, "local_today", lambda: dt.date(2028, 2, 29))
    period, previous, _ = PeriodForm(None).periods()
    assert period == Period(dt.date(2027, 4, 1), dt.date(2028, 2, 29))
    assert previous == Period(dt.date(2026, 4, 1), dt.date(2027, 2, 28))


def test_the_dashboard_opens_on_the_year_to_date(on_22_november_2026: dt.date, client_for: Any) -> None:
    text = client_for("analyst").get("/performance/").content.decode()
    assert "1 April 2026 to 22 November 2026" in text
    assert "the same part of the year before: 1 April 2025 to 22 November 2025" in text
    assert "31 March 2027" not in text


def test_supervision_overdue_for_a_period_not_ended_is_measured_today(hub: dict[str, Any]) -> None:
    # The hub's one open episode was supervised 20 days ago: on today it is not overdue,
    # although the 28 days before the end of the (unfinished) year hold no supervision.
    year = Period(TODAY - dt.timedelta(days=100), TODAY + dt.timedelta(days=200))
    assert supervision_metric(year)["supervision.overdue"].value == 0
    ids, records = children("supervision.overdue", year)
    assert records == 0 and list(ids) == []
