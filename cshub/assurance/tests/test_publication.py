"""Published figures (issue 16): secondary suppression and no staff, as docs/metrics.md
defines them for any report or export "for publication"."""

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from cshub.assurance.metrics import Count, Percent, Period, to_csv, to_json
from cshub.assurance.metrics.disproportionality import RateRatio
from cshub.conftest import TODAY

PERIOD = Period(TODAY.replace(month=1, day=1), TODAY.replace(month=12, day=31))


def _types(cse: int, cce: int, other: int, trafficking: int) -> dict[str, Any]:
    total = cse + cce + other + trafficking
    return {
        "referrals.received": Count(total),
        "referrals.by_primary_type.CCE": Percent(cce, total),
        "referrals.by_primary_type.CSE": Percent(cse, total),
        "referrals.by_primary_type.OTHER": Percent(other, total),
        "referrals.by_primary_type.TRAFFICKING": Percent(trafficking, total),
    }


def _published(metrics: dict[str, Any]) -> dict[str, Any]:
    return dict(json.loads(to_json(PERIOD, metrics, publication=True))["metrics"])


def test_one_suppressed_cell_takes_the_next_smallest_with_it() -> None:
    # 38 + 17 + 0 of 56 would reveal the 1.
    out = _published(_types(cse=17, cce=38, other=0, trafficking=1))
    assert out["referrals.by_primary_type.TRAFFICKING"]["numerator"] == "c"
    assert out["referrals.by_primary_type.CSE"] == {"numerator": "c", "denominator": 56, "percent": "c"}
    assert out["referrals.by_primary_type.CCE"]["numerator"] == 38
    assert out["referrals.by_primary_type.OTHER"]["numerator"] == 0  # zero is shown
    assert out["referrals.received"] == {"value": 56}
    # Two cells suppressed already: none can be recovered, nothing more is hidden.
    out = _published(_types(cse=17, cce=38, other=2, trafficking=1))
    assert out["referrals.by_primary_type.CSE"]["numerator"] == 17
    assert out["referrals.by_primary_type.CCE"]["numerator"] == 38
    # Internal figures are true values.
    out = json.loads(to_json(PERIOD, _types(cse=17, cce=38, other=0, trafficking=1)))["metrics"]
    assert out["referrals.by_primary_type.CSE"]["numerator"] == 17
    assert out["referrals.by_primary_type.TRAFFICKING"]["numerator"] == 1


def test_secondary_suppression_in_the_csv_and_in_rate_ratios() -> None:
    metrics = {
        **_types(cse=17, cce=38, other=0, trafficking=1),
        "disproportionality.gender.male": RateRatio(50, 56, 5000, 10000),
        "disproportionality.gender.female": RateRatio(3, 56, 4900, 10000),
        "disproportionality.gender.not_known": RateRatio(3, 56, 100, 10000),
    }
    rows = to_csv(metrics, publication=True).splitlines()
    assert "referrals.by_primary_type.CSE,c,56,c" in rows
    out = _published(metrics)
    # Two groups are already suppressed: nothing more. With one, the next smallest goes too.
    assert out["disproportionality.gender.male"]["referrals"] == 50
    metrics["disproportionality.gender.not_known"] = RateRatio(0, 56, 100, 10000)
    metrics["disproportionality.gender.male"] = RateRatio(47, 56, 5000, 10000)
    metrics["disproportionality.gender.self_described"] = RateRatio(6, 56, 100, 10000)
    out = _published(metrics)
    assert out["disproportionality.gender.self_described"]["referrals"] == "c"
    assert out["disproportionality.gender.self_described"]["referral_share"] == "c"
    assert out["disproportionality.gender.male"]["referrals"] == 47


def test_reopened_closures_by_level_suppress_numerators_and_denominators() -> None:
    metrics = {
        "closures.reopened_within_6_months": Percent(12, 60),
        "closures.reopened_within_6_months.LOW": Percent(2, 20),
        "closures.reopened_within_6_months.MEDIUM": Percent(5, 20),
        "closures.reopened_within_6_months.HIGH": Percent(5, 20),
        "closures.reopened_within_6_months.not_assessed": Percent(0, 0),
    }
    out = _published(metrics)
    assert out["closures.reopened_within_6_months.LOW"]["numerator"] == "c"
    # 12 - 5 - 5 would give the 2 away: one of the 5s goes too.
    assert out["closures.reopened_within_6_months.MEDIUM"]["numerator"] == "c"
    assert out["closures.reopened_within_6_months.HIGH"]["numerator"] == 5


@pytest.mark.django_db
def test_published_figures_name_no_staff(hub: dict[str, Any]) -> None:
    worker = hub["worker"].username
    for fmt in ("json", "csv"):
        out = StringIO()
        call_command(
            "metrics", "--from", PERIOD.start.isoformat(), "--to", TODAY.isoformat(), "--format", fmt,
            "--publication", stdout=out,
        )  # fmt: skip
        assert "caseload.by_worker" not in out.getvalue()
        assert worker not in out.getvalue()
    internal = StringIO()
    call_command("metrics", "--from", PERIOD.start.isoformat(), "--to", TODAY.isoformat(), stdout=internal)
    assert f"caseload.by_worker.{worker}" in internal.getvalue()  # true values stay internal


def test_disruption_types_are_suppressed_secondarily_and_so_are_the_counts_that_repeat_them() -> None:
    # 20 disruptions: 2 arrests and 18 charges. Publishing the 18 beside the total would give
    # the 2 away, and so would the arrests count that repeats the type's cell.
    metrics: dict[str, Any] = {
        "disruption.total": Count(20),
        "disruption.by_type.ARREST": Percent(2, 20),
        "disruption.by_type.CHARGE": Percent(18, 20),
        "disruption.by_type.CONVICTION": Percent(0, 20),
        "disruption.arrests": Count(2),
        "disruption.charges": Count(18),
        "disruption.convictions": Count(0),
    }
    out = _published(metrics)
    assert out["disruption.by_type.ARREST"]["numerator"] == "c"
    assert out["disruption.by_type.CHARGE"]["numerator"] == "c"
    assert out["disruption.arrests"] == {"value": "c"}
    assert out["disruption.charges"] == {"value": "c"}
    assert out["disruption.convictions"] == {"value": 0}
    assert out["disruption.total"] == {"value": 20}


def test_training_by_agency_is_a_staff_figure_never_published() -> None:
    metrics: dict[str, Any] = {
        "training.up_to_date": Percent(50, 60),
        "training.up_to_date.by_agency.POLICE": Percent(5, 6),
    }
    out = _published(metrics)
    assert "training.up_to_date.by_agency.POLICE" not in out
    assert out["training.up_to_date"]["numerator"] == 50
