import datetime as dt

import pytest

from cshub.assurance.metrics import Period, compute, to_csv
from cshub.assurance.metrics.disproportionality import RateRatio
from cshub.assurance.models import ReferencePopulation
from cshub.conftest import make_child
from cshub.people import actions as people
from cshub.people.models import Person
from cshub.referrals import actions as referrals


def test_rate_ratio_and_its_95_percent_interval_by_the_log_method():
    rr = RateRatio(referrals=30, total_referrals=100, population=1000, total_population=10000)
    assert rr.ratio == pytest.approx((30 / 1000) / (70 / 9000))
    assert rr.interval is not None
    low, high = rr.interval
    assert (round(low, 2), round(high, 2)) == (2.53, 5.89)
    assert rr.flag == "over-represented"
    assert RateRatio(20, 1000, 1000, 10000).flag == "under-represented"  # 0.18 (0.12 to 0.28)
    assert RateRatio(5, 100, 1000, 10000).flag is None  # 0.47, but 0.19 to 1.16 spans 1
    assert RateRatio(10, 100, 1000, 10000).flag is None  # interval spans 1
    assert RateRatio(0, 100, 1000, 10000).as_dict()["rate_ratio"] is None
    assert RateRatio(3, 100, 1000, 10000).as_dict(publication=True)["referrals"] == "c"


def test_shares_are_rounded_half_up_like_every_percentage():
    shares = RateRatio(11983, 20000, 1, 800).as_dict()  # 59.915 and 0.125 exactly
    assert (shares["referral_share"], shares["population_share"]) == (59.92, 0.13)


def test_groups_are_counted_from_the_referred_children(personas):
    worker = personas["practitioner"]
    for dimension, group, count in [
        ("gender", "male", 500),
        ("gender", "female", 500),
        ("age_band", "13_14", 300),
        ("age_band", "15_16", 700),
        ("imd_decile", "1", 100),
        ("imd_decile", "9", 900),
    ]:
        ReferencePopulation.objects.create(dimension=dimension, group=group, count=count)
    day = dt.date(2024, 6, 1)
    for i in range(3):
        boy = make_child(
            worker, f"Boy{i}", "Fernwick", born=dt.date(2009, 6, 2)
        )  # 14 the day before his birthday
        people.add_address(boy, actor=worker, start_date=dt.date(2015, 1, 1), imd_decile=1)
        referrals.record_referral(
            boy, referrals.ReferralDetails(received_date=day, primary_type="CCE"), actor=worker
        )
    girl = people.create_person(
        people.PersonDetails(
            forename="Ava", surname="Oakholme", date_of_birth=dt.date(2009, 6, 1), gender="02"
        ),
        actor=worker,
    )
    referrals.record_referral(
        girl, referrals.ReferralDetails(received_date=day, primary_type="CSE"), actor=worker
    )
    m = compute(Period(dt.date(2024, 4, 1), dt.date(2025, 3, 31)))
    assert m["disproportionality.gender.male"].as_dict()["referrals"] == 3
    assert m["disproportionality.gender.female"].as_dict()["referral_share"] == 25.0
    assert m["disproportionality.age_band.13_14"].as_dict()["referrals"] == 3  # not yet 15
    assert m["disproportionality.age_band.15_16"].as_dict()["referrals"] == 1  # 15 on the day
    assert m["disproportionality.imd_decile.1"].as_dict()["referrals"] == 3
    assert m["disproportionality.imd_decile.1"].as_dict()["population_share"] == 10.0
    assert "disproportionality.gender.male,3,500," in to_csv(m)


def test_a_referral_of_a_child_with_no_date_of_birth_is_in_no_age_band(personas):
    worker = personas["practitioner"]
    for group, count in [("15_16", 700), ("18_plus", 300)]:
        ReferencePopulation.objects.create(dimension="age_band", group=group, count=count)
    day = dt.date(2024, 6, 1)
    aged = make_child(worker, "Ria", "Fernwick", born=dt.date(2008, 6, 1))
    unknown = make_child(worker, "Jo", "Ashcombe")
    Person.objects.filter(pk=unknown.pk).update(date_of_birth=None)  # as a council extract can send
    for child in (aged, unknown):
        referrals.record_referral(
            child, referrals.ReferralDetails(received_date=day, primary_type="CCE"), actor=worker
        )
    m = compute(Period(dt.date(2024, 4, 1), dt.date(2025, 3, 31)))
    assert m["disproportionality.age_band.18_plus"].as_dict()["referrals"] == 0
    # Of the one referral with an age: 100%, not half of two.
    assert m["disproportionality.age_band.15_16"].as_dict()["referral_share"] == 100.0


def test_no_population_no_rows(db):
    assert not any(
        k.startswith("disproportionality") for k in compute(Period(dt.date(2024, 4, 1), dt.date(2025, 3, 31)))
    )
