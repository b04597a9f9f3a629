"""The consultation figures of docs/metrics.md ("Consultations"), each rule with its edges:
London dates at the period's boundaries, anonymous consultations, the 30 days to a
referral, repeat consultations about a child, and the median days to follow-up. Rows are
made directly (the consultation actions are built elsewhere)."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cshub.assurance.metrics import Count, Percent, Period, Value, compute
from cshub.assurance.metrics import consultations as metric
from cshub.assurance.metrics.drilldown import DRILLS, children
from cshub.assurance.metrics.publication import publish
from cshub.conftest import make_child
from cshub.consultations.models import Consultation
from cshub.referrals import actions as referrals

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
APRIL = Period(dt.date(2025, 4, 1), dt.date(2025, 4, 30))


@pytest.fixture
def worker(personas: dict[str, Any]) -> Any:
    return personas["practitioner"]


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def consult(
    worker: Any, when: dt.datetime, person: Any = None, agency: str = "EDUCATION", **extra: Any
) -> Any:
    return Consultation.objects.create(
        occurred_at=when,
        how="PHONE",
        caller_agency=agency,
        person=person,
        advice="Talk to the child about who they spend time with.",
        outcome=extra.pop("outcome", "ADVICE_ONLY"),
        recorded_by=worker,
        **extra,
    )


def refer(child: Any, worker: Any, day: dt.date) -> Any:
    return referrals.record_referral(
        child, referrals.ReferralDetails(received_date=day, primary_type="CCE"), actor=worker
    )


def test_a_consultation_counts_in_the_period_of_its_london_date(worker):
    # 23:30 UTC on 31 March 2025 is 00:30 BST on 1 April: April's, not March's.
    consult(worker, dt.datetime(2025, 3, 31, 23, 30, tzinfo=dt.UTC))
    # 23:30 UTC on 30 April is 00:30 BST on 1 May: not April's.
    consult(worker, dt.datetime(2025, 4, 30, 23, 30, tzinfo=dt.UTC))
    # 22:59 UTC on 30 April is 23:59 BST on 30 April: April's.
    consult(worker, dt.datetime(2025, 4, 30, 22, 59, tzinfo=dt.UTC), agency="HEALTH")
    figures = metric.compute(APRIL)
    assert figures["consultations.total"] == Count(2)
    assert metric.compute(Period(dt.date(2025, 3, 1), dt.date(2025, 3, 31)))["consultations.total"] == Count(
        0
    )
    assert metric.compute(Period(dt.date(2025, 5, 1), dt.date(2025, 5, 31)))["consultations.total"] == Count(
        1
    )


def test_consultations_by_the_callers_agency_every_agency_listed(worker):
    child = make_child(worker)
    consult(worker, at(dt.date(2025, 4, 2)), agency="EDUCATION")
    consult(worker, at(dt.date(2025, 4, 3)), child, agency="EDUCATION")
    consult(worker, at(dt.date(2025, 4, 4)), agency="POLICE")
    figures = metric.compute(APRIL)
    assert figures["consultations.by_agency.EDUCATION"] == Percent(2, 3)
    assert figures["consultations.by_agency.POLICE"] == Percent(1, 3)
    assert figures["consultations.by_agency.HEALTH"] == Percent(0, 3)
    assert {n for n in figures if n.startswith("consultations.by_agency.")} == {
        f"consultations.by_agency.{a}" for a in metric.AGENCIES
    }


def test_anonymous_consultations_count_in_the_total_but_not_in_the_share_referred(worker):
    child = make_child(worker)
    consult(worker, at(dt.date(2025, 4, 2)))  # anonymous: nobody to be referred
    consult(worker, at(dt.date(2025, 4, 2)), anonymous_initials="JB", anonymous_age=14)
    consult(worker, at(dt.date(2025, 4, 3)), child)
    refer(child, worker, dt.date(2025, 4, 10))
    figures = metric.compute(APRIL)
    assert figures["consultations.total"] == Count(3)
    assert figures["consultations.to_referral_30d"] == Percent(1, 1)


def test_a_referral_within_30_days_of_the_consultations_london_date(worker):
    within, late, before, converted, same_night = (
        make_child(worker, "Kofi", "Ashcombe"),
        make_child(worker, "Amara", "Brambleford"),
        make_child(worker, "Tia", "Cinderwick"),
        make_child(worker, "Leo", "Dunmore"),
        make_child(worker, "Maya", "Elsworth"),
    )
    consult(worker, at(dt.date(2025, 4, 5)), within)
    refer(within, worker, dt.date(2025, 5, 5))  # day 30: counts
    consult(worker, at(dt.date(2025, 4, 5)), late)
    refer(late, worker, dt.date(2025, 5, 6))  # day 31: does not
    consult(worker, at(dt.date(2025, 4, 5)), before)
    refer(before, worker, dt.date(2025, 4, 4))  # the day before: not "became"
    # Converted: its own referral counts, whatever that referral's date.
    consult(
        worker, at(dt.date(2025, 4, 6)), converted, referral=refer(converted, worker, dt.date(2025, 6, 30))
    )
    # 23:30 UTC on 5 April is 00:30 BST on 6 April: a referral on 6 April is day 0, and
    # one on 6 May is day 30 (35 minutes of UTC time short of 30 days would miss it).
    consult(worker, dt.datetime(2025, 4, 5, 23, 30, tzinfo=dt.UTC), same_night)
    refer(same_night, worker, dt.date(2025, 5, 6))
    figures = metric.compute(APRIL)
    assert figures["consultations.to_referral_30d"] == Percent(3, 5)
    assert set(metric.followed_by_referral(APRIL).values_list("person", flat=True)) == {
        within.pk,
        converted.pk,
        same_night.pk,
    }


def test_repeat_consultations_are_children_with_two_or_more_in_the_period(worker):
    twice, once, across = (
        make_child(worker, "Kofi", "Ashcombe"),
        make_child(worker, "Amara", "Brambleford"),
        make_child(worker, "Tia", "Cinderwick"),
    )
    consult(worker, at(dt.date(2025, 4, 1), 9), twice)
    consult(worker, at(dt.date(2025, 4, 29), 16), twice)
    consult(worker, at(dt.date(2025, 4, 15)), once)
    consult(worker, at(dt.date(2025, 3, 31)), across)  # March: not in April's count
    consult(worker, at(dt.date(2025, 4, 20)), across)
    consult(worker, at(dt.date(2025, 4, 20)))  # anonymous ones are about no child
    consult(worker, at(dt.date(2025, 4, 21)))
    assert metric.compute(APRIL)["consultations.repeat"] == Percent(1, 3)


def test_median_days_to_follow_up_of_those_followed_up_in_the_period(worker):
    # Days are London calendar days: 23:30 UTC on 31 March is 1 April in London.
    consult(
        worker,
        dt.datetime(2025, 3, 31, 23, 30, tzinfo=dt.UTC),
        followed_up_at=at(dt.date(2025, 4, 3)),
    )  # 2 days
    consult(worker, at(dt.date(2025, 3, 20)), followed_up_at=at(dt.date(2025, 4, 1), 0, 30))  # 12 days
    consult(worker, at(dt.date(2025, 4, 10)), followed_up_at=at(dt.date(2025, 4, 10), 17))  # same day: 0
    consult(worker, at(dt.date(2025, 4, 20)), followed_up_at=at(dt.date(2025, 5, 1)))  # May's follow-up
    consult(worker, at(dt.date(2025, 4, 20)), follow_up_on=dt.date(2025, 4, 25))  # not followed up
    assert metric.compute(APRIL)["consultations.follow_up.median_days"] == Value(2.0)
    # An even number: the mean of the two middle values.
    consult(worker, at(dt.date(2025, 4, 1)), followed_up_at=at(dt.date(2025, 4, 8)))  # 7 days
    assert metric.compute(APRIL)["consultations.follow_up.median_days"] == Value(4.5)
    # None followed up: no median.
    assert metric.compute(Period(dt.date(2025, 6, 1), dt.date(2025, 6, 30)))[
        "consultations.follow_up.median_days"
    ] == Value(None)


def test_the_consultation_figures_are_in_compute_and_published_with_small_numbers_hidden(worker):
    for day in range(1, 8):
        consult(worker, at(dt.date(2025, 4, day)), agency="EDUCATION")
    consult(worker, at(dt.date(2025, 4, 9)), agency="POLICE")
    consult(worker, at(dt.date(2025, 4, 9)), agency="HEALTH")
    consult(worker, at(dt.date(2025, 4, 9)), agency="HEALTH")
    figures = compute(APRIL)
    assert set(metric.NAMES) <= set(figures)
    docs = publish(figures)
    assert docs["consultations.total"] == {"value": 10}
    assert docs["consultations.by_agency.EDUCATION"] == {"numerator": 7, "denominator": 10, "percent": 70.0}
    assert docs["consultations.by_agency.POLICE"]["numerator"] == "c"
    assert docs["consultations.by_agency.HEALTH"]["numerator"] == "c"


def test_one_small_agency_hides_the_next_smallest_too(worker):
    for day in range(1, 8):
        consult(worker, at(dt.date(2025, 4, day)), agency="EDUCATION")
    for day in range(1, 6):
        consult(worker, at(dt.date(2025, 4, day)), agency="HEALTH")
    consult(worker, at(dt.date(2025, 4, 9)), agency="POLICE")
    docs = publish(compute(APRIL))
    # POLICE (1) alone would be 13 - 7 - 5: HEALTH, the next smallest, is hidden too.
    assert docs["consultations.by_agency.POLICE"]["numerator"] == "c"
    assert docs["consultations.by_agency.HEALTH"]["numerator"] == "c"
    assert docs["consultations.by_agency.EDUCATION"]["numerator"] == 7


def test_the_consultations_behind_the_total_anonymous_ones_counted_not_named(worker):
    child = make_child(worker)
    consult(worker, at(dt.date(2025, 4, 2)), child)
    consult(worker, at(dt.date(2025, 4, 3)), child)
    consult(worker, at(dt.date(2025, 4, 4)))
    assert "consultations.total" in DRILLS
    ids, records = children("consultations.total", APRIL)
    assert records == compute(APRIL)["consultations.total"].value == 3
    assert [i for i in set(ids) if i is not None] == [child.pk]


def test_the_drill_down_page_names_the_children_and_counts_the_anonymous(worker, client_for):
    child = make_child(worker)
    consult(worker, at(dt.date(2025, 4, 2)), child)
    consult(worker, at(dt.date(2025, 4, 4)))
    url = "/performance/figures/consultations.total/?year=2025&start_day=1&start_month=4&start_year=2025&end_day=30&end_month=4&end_year=2025"
    page = client_for("team_manager").get(url).content.decode()
    assert "Ashcombe" in page
    assert "1 of the records names no child" in page
