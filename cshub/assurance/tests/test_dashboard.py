import datetime as dt

from cshub.assurance import dashboard
from cshub.assurance.metrics import Count, Percent, Period, Value
from cshub.assurance.models import Commentary


def test_quarters_and_years_of_the_reporting_year():
    assert dashboard.year_period(2025) == Period(dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    assert dashboard.quarter_period(2025, 1) == Period(dt.date(2025, 4, 1), dt.date(2025, 6, 30))
    assert dashboard.quarter_period(2025, 3) == Period(dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    assert dashboard.quarter_period(2025, 4) == Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert dashboard.reporting_year(dt.date(2026, 3, 31)) == 2025
    assert dashboard.reporting_year(dt.date(2026, 4, 1)) == 2026


def test_change_is_said_in_words():
    assert dashboard.change(Percent(3, 4), Percent(1, 2)) == "Up 25 points"
    assert dashboard.change(Count(10), Count(12)) == "Down 2"
    assert dashboard.change(Count(3), Count(3)) == "No change"
    assert dashboard.change(Percent(0, 0), Percent(1, 2)) == "Cannot compare"
    assert dashboard.show(Percent(0, 0)) == "No cases"
    assert dashboard.show(Value(None)) == "Not enough data"


def test_dashboard_shows_figures_without_names(hub, client_for):
    page = client_for("analyst").get("/performance/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Referrals received" in text and "Return interviews completed within 72 hours" in text
    assert hub["child"].surname not in text
    assert "Save commentary" not in text  # analysts read; they do not write commentary


def test_quarter_is_compared_with_the_quarter_before(client_for):
    page = client_for("strategic_lead").get("/performance/?year=2025&quarter=1")
    text = page.content.decode()
    assert "1 April 2025 to 30 June 2025" in text
    assert "1 January 2025 to 31 March 2025" in text


def test_a_custom_period_needs_both_dates_in_order(client_for):
    page = client_for("analyst").get(
        "/performance/?year=2025&start_day=1&start_month=5&start_year=2025&end_day=1&end_month=4&end_year=2025"
    )
    assert b"The end date must be on or after the start date" in page.content


def test_strategic_lead_writes_commentary_for_the_period(client_for, personas):
    lead = client_for("strategic_lead")
    url = "/performance/?year=2025&quarter=2"
    assert b"Enter the commentary" in lead.post(url, {"section": "impact", "impact-text": " "}).content
    response = lead.post(url, {"section": "impact", "impact-text": "Outcomes held up while referrals rose."})
    assert response.status_code == 302 and response["Location"].endswith("#impact")
    entry = Commentary.objects.get()
    assert (entry.period_start, entry.period_end) == (dt.date(2025, 7, 1), dt.date(2025, 9, 30))
    assert entry.written_by == personas["strategic_lead"]
    assert b"Outcomes held up while referrals rose." in lead.get(url).content
    assert b"Outcomes held up" not in lead.get("/performance/?year=2025&quarter=3").content


def test_analyst_cannot_write_commentary(client_for):
    client_for("analyst").post("/performance/", {"section": "impact", "impact-text": "Hello"})
    assert not Commentary.objects.exists()


def test_dashboard_shows_todays_return_interview_queue(hub, client_for):
    page = client_for("analyst").get("/performance/").content.decode()
    assert "<strong>1</strong> return interview waiting" in page  # returned 30 hours ago
    assert "<strong>0</strong> past the 72 hours" in page
