"""Each section's figures, with the period's edges."""

import datetime as dt

import pytest

from cshub.assurance.metrics import Count, Percent
from cshub.reports import figures
from cshub.reports.tests.conftest import PERIOD

pytestmark = pytest.mark.django_db


def _n(metrics, name):
    result = metrics[name]
    return result.numerator if isinstance(result, Percent) else result.value


def test_a_child_counts_once_per_type_and_the_edges_of_the_period(area):
    f = figures.compute(PERIOD, area["worker"], published=False, names=True)
    m = f.metrics
    # Amir (CCE twice: first and last day), Bella (CSE, and CCE as another type), five boys (CCE);
    # the referrals the day before and the day after are not counted.
    assert _n(m, "referred.children") == 7
    assert _n(m, "types.CCE") == 7
    assert _n(m, "types.CSE") == 1
    assert m["types.CCE"] == Percent(7, 7)
    assert [q.label for q in f.quarters] == ["Jun 2025", "Jul 2025"]
    # June: Amir (first day), Bella; July: Amir (last day), the five boys (10 July).
    assert _n(m, "quarter.q1.children") == 2 and _n(m, "types.q1.CCE") == 2 and _n(m, "types.q1.CSE") == 1
    assert _n(m, "quarter.q2.children") == 6 and _n(m, "types.q2.CCE") == 6 and _n(m, "types.q2.CSE") == 0


def test_quarters_follow_the_reporting_year_cut_to_the_period():
    from cshub.assurance.metrics import Period

    qs = figures.quarters(Period(dt.date(2025, 5, 15), dt.date(2026, 1, 10)))
    assert [(q.period.start, q.period.end) for q in qs] == [
        (dt.date(2025, 5, 15), dt.date(2025, 6, 30)),
        (dt.date(2025, 7, 1), dt.date(2025, 9, 30)),
        (dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
        (dt.date(2026, 1, 1), dt.date(2026, 1, 10)),
    ]
    assert qs[0].label == "May to Jun 2025"


def test_links_on_the_first_and_last_day_count_and_those_outside_do_not(area, settings):
    settings.CSHUB_INTEL_ADULT_CHILDREN = 3
    f = figures.compute(PERIOD, area["worker"], published=False, names=True)
    m = f.metrics
    # Golden Fry: Amir (first day), Bella (last day), a boy whose link ended on the first day.
    assert m["places.linked"] == Count(1)  # the hotel's link is the day after the period
    assert m["places.children"] == Count(3)
    assert m["places.linked_to_n"] == Count(1)  # a hotspot: 3 children
    assert f.wards == ["Riverside"]
    assert m["wards.Riverside.children"] == Count(3) and m["wards.Riverside.links"] == Count(3)
    assert m["places.by_kind.TAKEAWAY.children"] == Count(3)
    assert "places.by_kind.HOTEL.subjects" not in m
    assert m["adults.linked"] == Count(1) and m["adults.children"] == Count(2)
    assert m["adults.linked_to_n"] == Count(0)
    assert m["groups.linked"] == Count(1) and m["groups.by_kind.COUNTY_LINE.children"] == Count(1)
    assert [(p.name, p.children, p.links) for p in f.places] == [("Golden Fry", 3, 3)]
    assert [(a.name, a.children) for a in f.adults] == [("Dean Marlowe", 2)]


def test_the_childrens_ages_genders_and_ethnicities(area):
    m = figures.compute(PERIOD, area["worker"], published=False, names=False).metrics
    # On 31 July 2025 Amir has just turned 11; Bella turns 11 the day after.
    assert _n(m, "ages.11_12") == 1 and _n(m, "ages.under_11") == 1 and _n(m, "ages.15_16") == 5
    assert m["genders.male"] == Percent(6, 7) and m["genders.female"] == Percent(1, 7)
    assert _n(m, "ethnicities.WBRI") == 6 and _n(m, "ethnicities.APKN") == 1
    assert _n(m, "ethnicities.NOT_RECORDED") == 0


def test_missing_patterns_in_uk_time(area):
    m = figures.compute(PERIOD, area["worker"], published=False, names=False).metrics
    assert m["missing.reports"] == Count(4)  # the episode the day before is out
    assert m["missing.children"] == Count(2)
    assert m["missing.repeat_children"] == Percent(1, 2)  # Amir, 3 times
    assert _n(m, "missing.by_day.1") == 2  # Monday 2 June 00:30 BST, Monday 9 June
    assert _n(m, "missing.by_day.4") == 1  # Thursday 31 July, 23:59
    assert _n(m, "missing.by_day.6") == 1  # Saturday 7 June
    assert (
        _n(m, "missing.by_hour.0") == 1
        and _n(m, "missing.by_hour.21") == 2
        and _n(m, "missing.by_hour.23") == 1
    )
    assert m["missing.from.care"] == Percent(2, 4)
    assert m["missing.from.home"] == Percent(1, 4) and m["missing.from.not_recorded"] == Percent(1, 4)
    assert _n(m, "missing.episodes_per_child.1") == 1 and _n(m, "missing.episodes_per_child.3_4") == 1
