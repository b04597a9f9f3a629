"""One test per rule of docs/metrics.md: periods, elapsed time, ages, nulls, suppression,
and each definition, on small hubs made through the actions."""

import datetime as dt
import json
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from cshub.assurance.metrics import Percent, Period, compute, to_csv
from cshub.assurance.metrics.practice import weighted_kappa
from cshub.casework import actions as casework
from cshub.conftest import make_child
from cshub.missing import actions as missing
from cshub.people import actions as people
from cshub.people.models import Person, PersonType
from cshub.referrals import actions as referrals

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC
YEAR = Period(dt.date(2024, 4, 1), dt.date(2025, 3, 31))


@pytest.fixture
def staff(personas):
    return personas["team_manager"], personas["practitioner"]


def refer(child, actor, day, kind="CCE", decision=None, manager=None):
    referral = referrals.record_referral(
        child, referrals.ReferralDetails(received_date=day, primary_type=kind), actor=actor
    )
    if decision:
        referrals.decide_referral(referral, decision, "Reasons", actor=manager, decision_date=day)
    return referral


def episode(child, manager, open_date, close_date=None, **closure):
    referral = refer(child, manager, open_date, decision="OPEN", manager=manager)
    ep = casework.open_episode(referral, actor=manager, open_date=open_date)
    if close_date:
        values = {
            "closure_summary": "Closed",
            "outcome_eet": "YES",
            "outcome_stable_accommodation": "YES",
            "outcome_positive_relationship": "YES",
            "feedback_child": False,
            "feedback_parent_carer": False,
        }
        if closure.get("feedback_child"):  # feedback ticked carries the child's words
            values |= {"feedback_child_said": "It helped.", "feedback_child_how": "FACE_TO_FACE"}
        casework.record_closure(
            ep,
            casework.Closure(close_date=close_date, **{**values, **closure}),
            actor=manager,
            override_reason="Held by the locality team",
        )
    return ep


def report(child, actor, reported, returned=None):
    return missing.record_missing_episode(
        child, missing.MissingReport(reported_at=reported, returned_at=returned), actor=actor
    )


def interview(ep, actor, outcome="COMPLETED", completed=None):
    return missing.record_return_interview(
        ep,
        missing.InterviewRecord(outcome=outcome, completed_at=completed, delay_reason="In hospital"),
        actor=actor,
    )


# Conventions ------------------------------------------------------------------------------


def test_a_timestamp_is_in_the_period_of_its_london_date(staff):
    manager, _ = staff
    child = make_child(manager)
    report(child, manager, dt.datetime(2024, 3, 31, 23, 30, tzinfo=UTC))  # 00:30 BST on 1 April
    report(child, manager, dt.datetime(2025, 3, 31, 23, 30, tzinfo=UTC))  # 00:30 BST on 1 April 2025
    assert compute(YEAR)["missing.reports"].value == 1
    assert compute(Period(dt.date(2024, 3, 1), dt.date(2024, 3, 31)))["missing.reports"].value == 0


def test_within_72_hours_is_elapsed_time_inclusive_across_the_clock_change(staff):
    manager, _ = staff
    child = make_child(manager)
    # Clocks go back on 27 October. (Python adds a timedelta to a London time on the wall
    # clock, so elapsed time is computed in UTC here, as the spec says.)
    returned = dt.datetime(2024, 10, 25, 10, 0, tzinfo=LONDON).astimezone(UTC)
    for completed in (
        returned + dt.timedelta(hours=72),  # 28 October 09:00 GMT: exactly 72h elapsed
        dt.datetime(2024, 10, 28, 10, 0, tzinfo=LONDON),  # 72h on the wall clock, 73h elapsed
        returned + dt.timedelta(hours=72, seconds=1),
    ):
        ep = report(child, manager, returned - dt.timedelta(hours=5), returned)
        interview(ep, manager, completed=completed)
    result = compute(YEAR)["rhi.within_72h"]
    assert (result.numerator, result.denominator) == (1, 3)


def test_a_zero_denominator_is_null_never_zero(db):
    metrics = compute(YEAR)
    assert metrics["rhi.within_72h"].as_dict() == {"numerator": 0, "denominator": 0, "percent": None}
    assert metrics["referrals.by_primary_type.CCE"].as_dict()["percent"] is None


def test_percentages_round_to_two_places():
    assert Percent(145, 242).percent == 59.92
    assert Percent(2179, 2976).percent == 73.22
    assert Percent(1, 8).percent == 12.5
    assert Percent(1, 3).percent == 33.33


def test_publication_suppresses_one_to_four_but_not_zero():
    from cshub.assurance.metrics import Count

    assert Count(3).as_dict(publication=True) == {"value": "c"}
    assert Count(0).as_dict(publication=True) == {"value": 0}
    assert Count(5).as_dict(publication=True) == {"value": 5}
    assert Percent(2, 40).as_dict(publication=True) == {"numerator": "c", "denominator": 40, "percent": "c"}
    assert Percent(0, 40).as_dict(publication=True) == {"numerator": 0, "denominator": 40, "percent": 0.0}
    assert Percent(2, 40).as_dict() == {"numerator": 2, "denominator": 40, "percent": 5.0}


def test_age_bands_use_completed_years_and_29_february(staff):
    manager, _ = staff
    child = make_child(manager, born=dt.date(2012, 2, 29))
    episode(child, manager, dt.date(2024, 6, 1))
    on_28th = compute(Period(dt.date(2025, 2, 1), dt.date(2025, 2, 28)))
    on_1st = compute(Period(dt.date(2025, 2, 1), dt.date(2025, 3, 1)))
    assert on_28th["episodes.open_at_end.by_age.11_12"].numerator == 1
    assert on_1st["episodes.open_at_end.by_age.13_14"].numerator == 1


def test_a_child_with_no_date_of_birth_is_in_no_age_band_never_18_and_over(staff):
    manager, _ = staff
    unknown = make_child(manager, "Jo", "Ashcombe")
    Person.objects.filter(pk=unknown.pk).update(date_of_birth=None)  # as a council extract can send
    episode(unknown, manager, dt.date(2024, 6, 1))
    figures = compute(Period(dt.date(2025, 2, 1), dt.date(2025, 2, 28)))
    assert figures["episodes.open_at_end.by_age.not_known"] == Percent(1, 1)
    assert figures["episodes.open_at_end.by_age.18_plus"] == Percent(0, 1)


# Demand --------------------------------------------------------------------------------


def test_referral_breakdowns_list_every_group(staff):
    manager, worker = staff
    boy = make_child(manager)
    girl = people.create_person(
        people.PersonDetails(
            forename="Ava", surname="Oakholme", date_of_birth=dt.date(2010, 1, 1), gender="02"
        ),
        actor=manager,
    )
    refer(boy, worker, dt.date(2024, 5, 1), "CCE")
    refer(girl, worker, dt.date(2024, 6, 1), "CSE")
    refer(girl, worker, dt.date(2024, 3, 31), "CSE")  # before the period
    m = compute(YEAR)
    assert m["referrals.received"].value == 2
    assert (
        m["referrals.by_primary_type.CCE"].numerator,
        m["referrals.by_primary_type.TRAFFICKING"].numerator,
    ) == (1, 0)
    assert m["referrals.by_gender.female"].percent == 50.0
    assert m["referrals.by_gender.self_described"].as_dict() == {
        "numerator": 0,
        "denominator": 2,
        "percent": 0.0,
    }


def test_previously_open_and_progressed(staff):
    manager, worker = staff
    child = make_child(manager)
    episode(child, manager, dt.date(2024, 4, 10), dt.date(2024, 6, 30))
    refer(child, worker, dt.date(2024, 9, 1))
    m = compute(YEAR)
    assert (m["referrals.previously_open"].numerator, m["referrals.previously_open"].denominator) == (1, 2)
    assert m["referrals.progressed"].numerator == 1


def test_episodes_open_min_max_and_at_end(staff):
    manager, _ = staff
    a, b, c = (make_child(manager, f"Child{i}", f"Ashford{i}") for i in range(3))
    period = Period(dt.date(2024, 5, 1), dt.date(2024, 5, 31))
    episode(a, manager, dt.date(2024, 4, 1))  # open throughout
    episode(b, manager, dt.date(2024, 5, 10), dt.date(2024, 5, 20))
    episode(c, manager, dt.date(2024, 5, 20))
    m = compute(period)
    assert (m["episodes.open_min"].value, m["episodes.open_max"].value) == (1, 3)
    assert m["episodes.open_at_end"].value == 2
    assert m["children.worked_with"].value == 3


def test_episodes_open_min_max_at_the_edges_of_the_period(staff):
    """The fewest and most open on one day, counted on every day of the period: an episode
    closed on a day is open that day (and not the next), one closed the day before the
    period is not open in it, and days when none is open count as 0."""
    manager, _ = staff
    kids = [make_child(manager, f"Edge{i}", f"Brookfield{i}") for i in range(7)]
    episode(kids[0], manager, dt.date(2024, 5, 1), dt.date(2024, 5, 31))  # closed the day before June
    episode(kids[1], manager, dt.date(2024, 5, 1), dt.date(2024, 6, 1))  # open on 1 June only
    episode(kids[2], manager, dt.date(2024, 5, 15), dt.date(2024, 6, 1))  # open on 1 June only
    episode(kids[3], manager, dt.date(2024, 6, 10), dt.date(2024, 6, 10))  # open on 10 June only
    episode(kids[4], manager, dt.date(2024, 6, 10), dt.date(2024, 6, 30))  # closed on 30 June
    episode(kids[5], manager, dt.date(2024, 6, 30))  # opened on 30 June
    episode(kids[6], manager, dt.date(2024, 7, 1))  # opened on 1 July

    def low_high(start: dt.date, end: dt.date) -> tuple[object, object]:
        m = compute(Period(start, end))
        return m["episodes.open_min"].value, m["episodes.open_max"].value

    # 1 June: 2; 2 to 9 June: 0; 10 June: 2; 11 to 29 June: 1; 30 June: 2; 1 July on: 2.
    assert low_high(dt.date(2024, 6, 1), dt.date(2024, 6, 30)) == (0, 2)
    assert low_high(dt.date(2024, 6, 1), dt.date(2024, 6, 5)) == (0, 2)
    assert low_high(dt.date(2024, 6, 2), dt.date(2024, 6, 9)) == (0, 0)
    assert low_high(dt.date(2024, 6, 10), dt.date(2024, 6, 11)) == (1, 2)
    assert low_high(dt.date(2024, 6, 30), dt.date(2024, 6, 30)) == (2, 2)
    assert low_high(dt.date(2024, 6, 20), dt.date(2024, 7, 5)) == (1, 2)


def test_episodes_open_min_max_with_none_open(staff):
    manager, _ = staff
    episode(make_child(manager), manager, dt.date(2020, 1, 1), dt.date(2020, 2, 1))
    m = compute(YEAR)
    assert (m["episodes.open_min"].value, m["episodes.open_max"].value) == (0, 0)


def test_deprivation_uses_the_home_address_on_the_last_day(staff):
    manager, _ = staff
    moved, unknown = make_child(manager), make_child(manager, "Leo", "Fernstead")
    people.add_address(moved, actor=manager, start_date=dt.date(2020, 1, 1), imd_decile=2)
    people.add_address(moved, actor=manager, start_date=dt.date(2025, 1, 1), imd_decile=8)
    people.add_address(
        unknown, actor=manager, start_date=dt.date(2020, 1, 1), end_date=dt.date(2024, 12, 31), imd_decile=1
    )
    for child in (moved, unknown):
        episode(child, manager, dt.date(2024, 5, 1))
    before_move = compute(Period(dt.date(2024, 4, 1), dt.date(2024, 12, 31)))
    after_move = compute(YEAR)
    assert before_move["children.worked_with.deprivation_1_3"].as_dict()["numerator"] == 2
    assert after_move["children.worked_with.deprivation_1_3"].numerator == 0
    assert after_move["children.worked_with.deprivation_unknown"].numerator == 1


# Missing ------------------------------------------------------------------------------


def test_missing_children_repeat_and_offered(staff):
    manager, _ = staff
    often, once = make_child(manager), make_child(manager, "Mia", "Brookdale")
    base = dt.datetime(2024, 6, 1, 12, tzinfo=UTC)
    eps = [
        report(often, manager, base + dt.timedelta(days=i), base + dt.timedelta(days=i, hours=6))
        for i in range(3)
    ]
    report(once, manager, base, base + dt.timedelta(hours=2))
    interview(eps[0], manager, completed=base + dt.timedelta(hours=20))
    interview(eps[1], manager, outcome="DECLINED")
    interview(eps[2], manager, outcome="NOT_OFFERED")
    m = compute(YEAR)
    assert (m["missing.reports"].value, m["missing.children"].value) == (4, 2)
    assert (m["missing.repeat_children"].numerator, m["missing.repeat_children"].denominator) == (1, 2)
    assert (m["rhi.offered"].numerator, m["rhi.offered"].denominator) == (2, 4)
    assert m["rhi.completed"].value == 1


def test_an_episode_without_an_interview_counts_as_offered_by_the_extracts_flag(staff):
    """A council's extract often carries only `miss_missing_rhi_offered`: an episode with no
    return interview recorded counts as offered when that flag is Y; an interview recorded
    decides whatever the flag says."""
    manager, _ = staff
    child = make_child(manager)
    base = dt.datetime(2024, 6, 1, 12, tzinfo=UTC)
    flagged = [
        report(child, manager, base + dt.timedelta(days=i), base + dt.timedelta(days=i, hours=3))
        for i in range(4)
    ]
    for ep, flag in zip(flagged, ["Y", "N", "", "Y"], strict=True):
        ep.rhi_offered = flag
        ep.save(update_fields=["rhi_offered"])
    interview(flagged[3], manager, outcome="NOT_OFFERED")  # the interview record decides
    m = compute(YEAR)
    assert (m["rhi.offered"].numerator, m["rhi.offered"].denominator) == (1, 4)


def test_a_person_who_is_not_a_child_counts_in_reports_but_not_as_a_child(staff):
    """ "A child is a person record with role child": an adult's missing report is a report,
    and an adult's episode an episode, but neither makes a child counted."""
    manager, _ = staff
    child, adult = make_child(manager), make_child(manager, "Dee", "Harrowby")
    Person.objects.filter(pk=adult.pk).update(person_type=PersonType.ADULT)
    base = dt.datetime(2024, 6, 1, 12, tzinfo=UTC)
    for who in (child, adult, adult, adult):
        report(who, manager, base, base + dt.timedelta(hours=2))
    for who in (child, adult):
        episode(who, manager, dt.date(2024, 5, 1), None)
    m = compute(YEAR)
    assert (m["missing.reports"].value, m["missing.children"].value) == (4, 1)
    assert (m["missing.repeat_children"].numerator, m["missing.repeat_children"].denominator) == (0, 1)
    assert m["children.worked_with"].value == 1


# Impact -------------------------------------------------------------------------------


def test_outcome_denominators_leave_out_not_applicable_only(staff):
    manager, _ = staff
    for i, eet in enumerate(["YES", "NO", "UNKNOWN", "NOT_APPLICABLE"]):
        episode(
            make_child(manager, f"C{i}", "Ridgewell"),
            manager,
            dt.date(2024, 4, 2),
            dt.date(2024, 8, 1),
            outcome_eet=eet,
            feedback_child=i < 3,
        )
    m = compute(YEAR)
    assert (m["outcomes.eet"].numerator, m["outcomes.eet"].denominator) == (1, 3)
    assert m["closures"].value == 4
    assert (m["feedback.child"].numerator, m["feedback.child"].denominator) == (3, 4)


def test_missing_reduced_compares_the_90_days_before_opening_with_the_last_90_days(staff):
    manager, _ = staff
    reduced, same, none_before = (make_child(manager, f"R{i}", "Hollowell") for i in range(3))
    opened, closed = dt.date(2024, 6, 1), dt.date(2024, 12, 31)

    def at(day):
        return dt.datetime.combine(day, dt.time(12), tzinfo=LONDON)

    for day in (
        opened - dt.timedelta(days=90),
        opened - dt.timedelta(days=1),
    ):  # both ends of the first window
        report(reduced, manager, at(day))
        report(same, manager, at(day))
    report(reduced, manager, at(closed - dt.timedelta(days=89)))  # 1 < 2
    report(same, manager, at(closed - dt.timedelta(days=89)))
    report(same, manager, at(closed))  # 2, not fewer
    report(none_before, manager, at(opened - dt.timedelta(days=91)))  # outside the window
    for child in (reduced, same, none_before):
        episode(child, manager, opened, closed)
    m = compute(YEAR)["outcomes.missing_reduced"]
    assert (m.numerator, m.denominator) == (1, 2)


# Practice -----------------------------------------------------------------------------


def test_first_assessment_within_28_days(staff):
    manager, _ = staff
    on_time, late = make_child(manager), make_child(manager, "Kai", "Marshfield")
    ep1 = episode(on_time, manager, dt.date(2024, 5, 1))
    ep2 = episode(late, manager, dt.date(2024, 5, 1))
    casework.record_assessment(
        ep1, casework.AssessmentRecord(dt.date(2024, 5, 29), "HIGH"), actor=manager
    )  # day 28
    casework.record_assessment(
        ep1, casework.AssessmentRecord(dt.date(2024, 9, 1), "MEDIUM"), actor=manager
    )  # a review
    casework.record_assessment(
        ep2, casework.AssessmentRecord(dt.date(2024, 5, 30), "LOW"), actor=manager
    )  # day 29
    m = compute(YEAR)
    assert m["assessments.completed"].value == 3
    assert (m["assessments.within_4_weeks"].numerator, m["assessments.within_4_weeks"].denominator) == (1, 2)


def test_weighted_kappa():
    assert weighted_kappa({("LOW", "LOW"): 5, ("HIGH", "HIGH"): 5}) == 1.0
    assert weighted_kappa({("LOW", "LOW"): 10}) is None  # chance agreement is already perfect
    assert weighted_kappa({}) is None
    # A worked example: 2x agree LOW, 1 LOW/MEDIUM, 1 HIGH/HIGH.
    pairs = {("LOW", "LOW"): 2, ("LOW", "MEDIUM"): 1, ("HIGH", "HIGH"): 1}
    observed = (2 + 0.5 + 1) / 4
    rows, cols = [3 / 4, 0, 1 / 4], [2 / 4, 1 / 4, 1 / 4]
    w = [[1, 0.5, 0], [0.5, 1, 0.5], [0, 0.5, 1]]
    expected = sum(w[i][j] * rows[i] * cols[j] for i in range(3) for j in range(3))
    assert weighted_kappa(pairs) == round((observed - expected) / (1 - expected), 3)


def test_reviewer_agreement(staff):
    manager, worker = staff
    ep = episode(make_child(manager), manager, dt.date(2024, 5, 1))
    for level, reviewed in (("HIGH", "HIGH"), ("MEDIUM", "HIGH"), ("LOW", "")):
        casework.record_assessment(
            ep,
            casework.AssessmentRecord(
                dt.date(2024, 6, 1), level, reviewer=manager, reviewer_risk_level=reviewed
            ),
            actor=worker,
        )
    m = compute(YEAR)
    assert (
        m["assessments.reviewer_agreement"].numerator,
        m["assessments.reviewer_agreement"].denominator,
    ) == (1, 2)
    assert m["assessments.reviewer_agreement.kappa"].value is not None


def test_reopened_within_six_months_by_last_risk_level(staff):
    manager, worker = staff
    back, stays = make_child(manager), make_child(manager, "Eli", "Thornwick")
    ep1 = episode(back, manager, dt.date(2024, 4, 2))
    casework.record_assessment(ep1, casework.AssessmentRecord(dt.date(2024, 5, 1), "HIGH"), actor=manager)
    casework.record_assessment(ep1, casework.AssessmentRecord(dt.date(2024, 6, 1), "LOW"), actor=manager)
    casework.record_closure(
        ep1, casework.Closure(dt.date(2024, 7, 1), "Closed", "YES", "YES", "YES", False, False), actor=manager
    )
    episode(stays, manager, dt.date(2024, 4, 2), dt.date(2024, 7, 1))
    refer(back, worker, dt.date(2024, 7, 1) + dt.timedelta(days=182))  # day 182: within
    refer(stays, worker, dt.date(2024, 7, 1) + dt.timedelta(days=183))  # day 183: not
    m = compute(YEAR)
    assert (
        m["closures.reopened_within_6_months"].numerator,
        m["closures.reopened_within_6_months"].denominator,
    ) == (1, 2)
    assert (
        m["closures.reopened_within_6_months.LOW"].numerator,
        m["closures.reopened_within_6_months.LOW"].denominator,
    ) == (1, 1)
    assert m["closures.reopened_within_6_months.not_assessed"].as_dict()["numerator"] == 0


# Output -------------------------------------------------------------------------------


def test_metrics_command_prints_the_documented_json_and_csv(staff):
    manager, worker = staff
    refer(make_child(manager), worker, dt.date(2024, 5, 1))
    out = StringIO()
    call_command("metrics", "--from", "2024-04-01", "--to", "2025-03-31", "--format", "json", stdout=out)
    doc = json.loads(out.getvalue())
    assert doc["period"] == {"from": "2024-04-01", "to": "2025-03-31"}
    assert doc["metrics"]["referrals.received"] == {"value": 1}
    assert doc["metrics"]["referrals.by_primary_type.CCE"] == {
        "numerator": 1,
        "denominator": 1,
        "percent": 100.0,
    }
    out = StringIO()
    call_command(
        "metrics",
        "--from",
        "2024-04-01",
        "--to",
        "2025-03-31",
        "--format",
        "csv",
        "--publication",
        stdout=out,
    )
    lines = out.getvalue().splitlines()
    assert lines[0] == "metric,numerator,denominator,value"
    assert "referrals.received,,,c" in lines
    assert to_csv({"x": Percent(0, 0)}).splitlines()[1] == "x,0,0,"


# Edges of the native date SQL (docs/metrics.md, "How figures are computed") -------------


def test_within_72_hours_is_exact_to_the_microsecond(staff):
    manager, _ = staff
    child = make_child(manager)
    returned = dt.datetime(2024, 10, 25, 9, 0, 0, 500000, tzinfo=UTC)
    for completed in (
        returned + dt.timedelta(hours=72),  # exactly 72 hours: within
        returned + dt.timedelta(hours=72, microseconds=-1),  # within
        returned + dt.timedelta(hours=72, microseconds=1),  # not within
        returned + dt.timedelta(hours=72, microseconds=-500000),  # a whole second: within
    ):
        ep = report(child, manager, returned - dt.timedelta(hours=5), returned)
        interview(ep, manager, completed=completed)
    result = compute(YEAR)["rhi.within_72h"]
    assert (result.numerator, result.denominator) == (3, 4)


def test_missing_reduced_windows_are_london_days_across_both_clock_changes(staff):
    """The windows' edges at London midnight in GMT and in BST, with the episode opened
    in summer and closed on the night the clocks go back (27 October 2024); the window
    before opening starts on the night they went forward (31 March 2024)."""
    manager, _ = staff
    opened, closed = dt.date(2024, 6, 29), dt.date(2024, 10, 27)  # windows 31/3-28/6, 30/7-27/10

    def utc(year, month, day, hour, minute, second=0):
        return dt.datetime(year, month, day, hour, minute, second, tzinfo=UTC)

    # One report each: in the window before opening or not (the denominator).
    before_edges = {
        "in at its first London midnight (GMT)": (utc(2024, 3, 31, 0, 0), True),
        "out a second before it": (utc(2024, 3, 30, 23, 59, 59), False),
        "in a second before its end (BST)": (utc(2024, 6, 28, 22, 59, 59), True),
        "out at London midnight after it (23:00 UTC)": (utc(2024, 6, 28, 23, 0), False),
    }
    # One report mid-way before opening, and one at an edge of the last 90 days: reduced
    # only when that one is outside the window.
    after_edges = {
        "in at its first London midnight (BST, 23:00 UTC)": (utc(2024, 7, 29, 23, 0), True),
        "out a second before it": (utc(2024, 7, 29, 22, 59, 59), False),
        "in at 23:30 GMT on the night the clocks go back": (utc(2024, 10, 27, 23, 30), True),
        "out at London midnight after it (GMT)": (utc(2024, 10, 28, 0, 0), False),
    }
    for i, (at, _) in enumerate(before_edges.values()):
        child = make_child(manager, f"B{i}", "Hollowell")
        report(child, manager, at)
        episode(child, manager, opened, closed)
    for i, (at, _) in enumerate(after_edges.values()):
        child = make_child(manager, f"A{i}", "Hollowell")
        report(child, manager, utc(2024, 5, 1, 12, 0))
        report(child, manager, at)
        episode(child, manager, opened, closed)
    m = compute(YEAR)["outcomes.missing_reduced"]
    in_before = sum(inside for _, inside in before_edges.values())
    outside_after = sum(not inside for _, inside in after_edges.values())
    # Every child in the denominator from before_edges had no report after: reduced.
    assert (m.numerator, m.denominator) == (in_before + outside_after, in_before + len(after_edges))
