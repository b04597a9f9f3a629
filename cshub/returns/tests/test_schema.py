"""The return's schema: reporting-year quarters, and which of the engine's figures go in."""

import datetime as dt

import pytest

from cshub.assurance import dashboard
from cshub.assurance.metrics import Count, Metrics, Percent, Value, compute
from cshub.returns.schema import COUNT, PERCENT, Catalogue, Quarter, catalogue, exclusion, rows_from


def test_quarters_are_the_reporting_years():
    q = Quarter.parse("2025-Q3")
    assert (q.period.start, q.period.end) == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    q4 = Quarter.parse("2025-Q4")
    assert (q4.period.start, q4.period.end) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert q4.reporting_year == "2025/26"
    for number in range(1, 5):
        assert Quarter(2025, number).period == dashboard.quarter_period(2025, number)
    assert Quarter.containing(dt.date(2026, 2, 14)) == q4
    assert Quarter.containing(dt.date(2025, 4, 1)) == Quarter(2025, 1)
    assert Quarter(2025, 1).previous() == Quarter(2024, 4)
    assert Quarter(2025, 3).months() == {"2025-10", "2025-11", "2025-12"}


@pytest.mark.parametrize("text", ["2025-Q5", "2025-Q0", "25-Q3", "2025Q3", "2025-q3", ""])
def test_a_quarter_not_in_the_form_is_refused(text):
    with pytest.raises(ValueError, match="is not a quarter"):
        Quarter.parse(text)


def test_the_measures_follow_the_engines_results_by_rule(db):
    figures = compute(Quarter(2025, 3).period)
    rows = {r.measure: r for r in rows_from("demo-hub", Quarter(2025, 3), figures)}
    for name, result in figures.items():
        reason = exclusion(name, result)
        assert (name in rows) == (reason is None), name
        if isinstance(result, Value):
            assert reason == "not a count or a percentage, so it cannot be combined by adding up"
        if name in rows:
            assert rows[name].kind == (COUNT if isinstance(result, Count) else PERCENT)
    assert "referrals.received" in rows and "rhi.within_72h" in rows
    assert "area.new_flags.2025-10" in rows
    for left_out in ("episodes.open_min", "episodes.open_max", "assessments.reviewer_agreement.kappa"):
        assert left_out in figures and left_out not in rows


def test_a_figure_added_to_the_engine_is_in_or_out_by_the_same_rule():
    figures: Metrics = {
        "training.up_to_date": Percent(3, 4),
        "training.up_to_date.by_agency.POLICE": Percent(1, 2),
        "compliance.visit": Percent(5, 8),
        "compliance.visit.by_team.7": Percent(1, 1),
        "compliance.visit.by_worker.someone": Percent(1, 1),
        "caseload.by_worker.someone": Count(3),
        "audits.findings.by_theme.3": Percent(1, 2),
        "something.kappa": Value(0.5),
    }
    kept = [r.measure for r in rows_from("demo-hub", Quarter(2025, 3), figures)]
    # Training by agency is a staff figure: an agency may have one member of staff in the hub.
    assert kept == ["training.up_to_date", "compliance.visit"]


def test_the_catalogue_says_why_a_measure_is_refused():
    known = Catalogue(Quarter(2025, 3), {"referrals.received": COUNT, "area.new_flags.2025-10": COUNT})
    assert known.problem("referrals.received") is None
    assert (
        known.problem("referrals.recieved") == '"referrals.recieved" is not a measure of the regional return'
    )
    assert known.problem("area.new_flags.2025-06") == "area.new_flags.2025-06 is not a month of 2025-Q3"
    assert known.problem("episodes.open_min") == (
        "episodes.open_min is not in the regional return: "
        "the least open on one day: the region's is not the sum of the hubs'"
    )
    assert known.problem("caseload.by_worker.jo") == (
        "caseload.by_worker.jo is not in the regional return: "
        "a figure about one member of staff (never sent or published)"
    )


def test_the_catalogue_is_the_engines_for_the_quarter(db):
    known = catalogue(Quarter(2025, 3))
    assert known.kinds["referrals.received"] == COUNT
    assert known.kinds["referrals.by_gender.male"] == PERCENT
    assert {m for m in known.kinds if m.startswith("area.new_flags.")} == {
        "area.new_flags.2025-10",
        "area.new_flags.2025-11",
        "area.new_flags.2025-12",
    }
