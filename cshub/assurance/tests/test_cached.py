"""The dashboard's figures are kept per period and data version: a repeat view is a lookup,
and a write or an import is seen at once (assurance.cached, core.dataversion)."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from cshub.assurance import cached
from cshub.assurance.metrics import Count, Percent, Period, Value, compute
from cshub.assurance.metrics.disproportionality import RateRatio
from cshub.assurance.models import CachedFigures
from cshub.conftest import TODAY, make_child, make_referral
from cshub.core import dataversion
from cshub.core.dates import local_today
from cshub.interchange.importer import run_import
from cshub.standards.actions import set_standard
from cshub.tests.test_concurrency import at_once, no_server_errors, signed_in

# Tables only the metrics engine reads on the performance page.
METRICS_TABLES = ("referrals_referral", "casework_assessment", "assurance_referencepopulation")


def referrals_received(page: bytes) -> int:
    found = re.search(r"Referrals received</th>\s*<td[^>]*><strong>([\d,]+)</strong>", page.decode())
    assert found, "no Referrals received row"
    return int(found.group(1).replace(",", ""))


def test_a_repeat_view_runs_no_metrics_queries(hub, client_for):
    analyst = client_for("analyst")
    with CaptureQueriesContext(connection) as first:
        assert analyst.get("/performance/").status_code == 200
    with CaptureQueriesContext(connection) as repeat:
        page = analyst.get("/performance/")
    assert page.status_code == 200 and "Referrals received" in page.content.decode()

    def metrics_queries(queries: CaptureQueriesContext) -> list[str]:
        return [q["sql"] for q in queries.captured_queries if any(t in q["sql"] for t in METRICS_TABLES)]

    assert metrics_queries(first)  # the first view computes
    assert metrics_queries(repeat) == []
    assert len(repeat.captured_queries) < len(first.captured_queries) - 40


def test_the_dashboard_shows_a_new_referral_at_once(hub, client_for, personas):
    analyst = client_for("analyst")
    before = referrals_received(analyst.get("/performance/").content)
    make_referral(
        make_child(personas["practitioner"], "Noor", "Fellgate"), personas["practitioner"], days_ago=0
    )
    assert referrals_received(analyst.get("/performance/").content) == before + 1


def test_the_dashboard_shows_an_import_at_once(hub, client_for, tmp_path):
    analyst = client_for("analyst")
    before = referrals_received(analyst.get("/performance/").content)
    folder = tmp_path / "extract"
    folder.mkdir()
    (folder / "person.csv").write_text(
        "pers_person_id,pers_forename,pers_surname,pers_dob,pers_sex\nC1,Rhys,Tanglewood,2011-02-03,M\n"
    )
    (folder / "csh_referral.csv").write_text(
        f"referral_id,person_id,received_date,primary_type,decision\nR1,C1,{TODAY.isoformat()},CSE,PENDING\n"
    )
    assert run_import(Path(folder), actor=None).ok
    assert referrals_received(analyst.get("/performance/").content) == before + 1


def test_a_read_keeps_the_figures_and_a_rolled_back_write_changes_nothing(hub, client_for, personas):
    client_for("analyst").get("/performance/")
    version = dataversion.current()
    assert client_for("practitioner").get(f"/children/{hub['child'].pk}/").status_code == 200  # audited view
    assert dataversion.current() == version

    def refer_then_fail() -> None:
        with transaction.atomic():
            make_referral(hub["child"], personas["practitioner"], days_ago=0)
            assert dataversion.current() == version + 1
            raise RuntimeError("undo")

    with pytest.raises(RuntimeError):
        refer_then_fail()
    assert dataversion.current() == version


def test_kept_figures_are_the_computed_ones(hub, personas):
    from cshub.assurance.models import ReferencePopulation

    ReferencePopulation.objects.create(dimension="gender", group="male", count=500)
    ReferencePopulation.objects.create(dimension="gender", group="female", count=480)
    period = Period(TODAY - dt.timedelta(days=90), TODAY)
    computed = compute(period)
    [first] = cached.figures([period])  # computed and kept
    [kept] = cached.figures([period])  # read back
    assert first == computed and kept == computed
    assert list(kept) == list(computed)  # in the same order (the dashboard lists them so)
    kinds = {type(r) for r in kept.values()}
    assert {Count, Percent, Value, RateRatio} <= kinds


def test_only_the_current_version_is_kept(hub):
    period = Period(TODAY - dt.timedelta(days=30), TODAY)
    cached.figures([period])
    dataversion.bump()
    cached.figures([period])
    assert list(CachedFigures.objects.values_list("version", flat=True)) == [dataversion.current()]


def test_the_key_holds_what_the_figures_depend_on(settings, personas):
    ended = Period(dt.date(2024, 4, 1), dt.date(2025, 3, 31))
    assert cached.key(ended) != cached.key(ended, "another view")
    assert cached.key(ended) != cached.key(Period(dt.date(2024, 4, 1), dt.date(2025, 3, 30)))
    before = cached.key(ended)
    settings.CSHUB_STANDARDS = {**settings.CSHUB_STANDARDS, "SUPERVISION": 14}
    assert cached.key(ended) != before  # supervision.overdue counts against the standard
    # A new version of a standard (from any day: within_4_weeks reads the standard of each
    # episode's opening) is a new key, without waiting for the data version.
    before = cached.key(ended)
    set_standard("ASSESSMENT_FIRST", 21, local_today(), "Tighter", actor=personas["team_manager"])
    assert cached.key(ended) != before


@pytest.mark.usefixtures("live_db")
def test_views_of_an_uncomputed_period_at_once_all_succeed(live_server, personas):
    """Several requests computing the same figures at once each store them: the first
    insert wins, the others are ignored, nobody gets an error."""
    make_referral(make_child(personas["practitioner"]), personas["practitioner"], days_ago=0)
    browser = signed_in(live_server, personas["analyst"])
    statuses = at_once([lambda: browser.send("GET", "/performance/?year=2025")] * 6)
    no_server_errors(statuses)
    assert statuses == [200] * 6
    assert CachedFigures.objects.count() == 2  # the year and the year before, once each
