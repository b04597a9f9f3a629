"""The whole-area figures of docs/metrics.md ("The whole area"), each rule with its edges:
flags in force by London calendar dates at the period's boundaries, a child flagged by
several sources counted once, the breakdowns (no address: unknown decile), children known
and not known to the hub, the daily meeting, and new flags per month. Rows are made
directly (the register's actions are built elsewhere)."""

import datetime as dt
from typing import Any

import pytest

from cshub.assurance import dashboard
from cshub.assurance.metrics import Count, Percent, Period, compute
from cshub.assurance.metrics import area as metric
from cshub.assurance.metrics.drilldown import DRILLS, children
from cshub.assurance.metrics.publication import publish
from cshub.casework import actions as casework
from cshub.conftest import make_child
from cshub.consultations.models import Consultation
from cshub.meetings.models import AgendaItem, Cadence, Meeting, MeetingType
from cshub.people.models import Address
from cshub.referrals import actions as referrals
from cshub.register.models import AreaFlag

pytestmark = pytest.mark.django_db

YEAR = Period(dt.date(2025, 4, 1), dt.date(2026, 3, 31))
APRIL = Period(dt.date(2025, 4, 1), dt.date(2025, 4, 30))
_origins = iter(range(1_000_000))


@pytest.fixture
def staff(personas: dict[str, Any]) -> tuple[Any, Any]:
    return personas["team_manager"], personas["practitioner"]


def flag(child: Any, flagged_on: dt.date, ended_on: dt.date | None = None, **extra: Any) -> AreaFlag:
    return AreaFlag.objects.create(
        person=child,
        source=extra.pop("source", "EARLY_HELP"),
        concern=extra.pop("concern", "CCE"),
        flagged_on=flagged_on,
        ended_on=ended_on,
        holder=extra.pop("holder", "EARLY_HELP"),
        origin=f"test:{next(_origins)}",
        **extra,
    )


def child_born(worker: Any, surname: str, born: dt.date | None, **extra: Any) -> Any:
    child = make_child(worker, "Sam", surname, born=born, **extra)
    if born is None:  # make_child gives a date of birth when none is given
        type(child).objects.filter(pk=child.pk).update(date_of_birth=None)
        child.refresh_from_db()
    return child


def test_a_flag_is_in_force_in_the_period_by_its_calendar_dates(staff):
    _, worker = staff
    inside = make_child(worker, "Kofi", "Ashcombe")
    flag(inside, dt.date(2025, 4, 30))  # flagged on the last day: in
    ends_first_day = make_child(worker, "Amara", "Brambleford")
    flag(ends_first_day, dt.date(2024, 1, 1), dt.date(2025, 4, 1))  # ended on the first day: in
    after = make_child(worker, "Tia", "Cinderwick")
    flag(after, dt.date(2025, 5, 1))  # flagged the day after the period: out
    ended_before = make_child(worker, "Leo", "Dunmore")
    flag(ended_before, dt.date(2024, 1, 1), dt.date(2025, 3, 31))  # ended the day before: out
    still = make_child(worker, "Maya", "Elsworth")
    flag(still, dt.date(2023, 6, 1))  # never ended: in
    assert metric.compute(APRIL)["area.children"] == Count(3)
    assert set(metric.children(APRIL).values_list("pk", flat=True)) == {
        inside.pk,
        ends_first_day.pk,
        still.pk,
    }


def test_a_child_flagged_by_three_sources_is_one_child_and_counts_under_each_concern(staff):
    _, worker = staff
    child = make_child(worker)
    flag(child, dt.date(2025, 2, 1), source="SOCIAL_CARE", concern="CSE", holder="LOCALITY")
    flag(child, dt.date(2025, 4, 3), source="SCHOOL", concern="CSE", holder="SCHOOL")
    flag(child, dt.date(2025, 4, 9), source="YOUTH_JUSTICE", concern="GANGS", holder="YOUTH_JUSTICE")
    other = make_child(worker, "Amara", "Brambleford")
    flag(other, dt.date(2025, 4, 10), concern="CCE")
    figures = metric.compute(APRIL)
    assert figures["area.children"] == Count(2)
    assert figures["area.by_concern.CSE"] == Percent(1, 2)
    assert figures["area.by_concern.GANGS"] == Percent(1, 2)
    assert figures["area.by_concern.CCE"] == Percent(1, 2)
    assert figures["area.by_concern.TRAFFICKING"] == Percent(0, 2)


def test_adults_flags_are_not_counted(staff):
    _, worker = staff
    adult = make_child(worker, "Dean", "Fairley", person_type="ADULT")
    flag(adult, dt.date(2025, 4, 2))
    assert metric.compute(APRIL)["area.children"] == Count(0)


def test_age_gender_and_ethnicity_of_the_children_flagged(staff):
    _, worker = staff
    end = APRIL.end
    ten = child_born(worker, "Ashcombe", dt.date(2014, 5, 1), gender="02", ethnicity="BCRB")  # 10 on 30 April
    eleven = child_born(worker, "Brambleford", dt.date(2014, 4, 30), ethnicity="")  # 11 that day
    unborn = child_born(worker, "Cinderwick", None, ethnicity="WBRI")
    for c in (ten, eleven, unborn):
        flag(c, dt.date(2025, 4, 1))
    figures = metric.compute(APRIL)
    assert end == dt.date(2025, 4, 30)
    assert figures["area.by_age_band.under_11"] == Percent(1, 3)
    assert figures["area.by_age_band.11_12"] == Percent(1, 3)
    assert figures["area.by_age_band.not_known"] == Percent(1, 3)  # no date of birth
    assert figures["area.by_age_band.18_plus"] == Percent(0, 3)
    # make_child records sex M; gender 02 wins over it (reporting gender, interchange.md).
    assert figures["area.by_gender.female"] == Percent(1, 3)
    assert figures["area.by_gender.male"] == Percent(2, 3)
    assert figures["area.by_ethnicity_group.BCRB"] == Percent(1, 3)
    assert figures["area.by_ethnicity_group.WBRI"] == Percent(1, 3)
    assert figures["area.by_ethnicity_group.not_recorded"] == Percent(1, 3)


def test_deprivation_decile_of_the_home_address_no_address_is_unknown(staff):
    _, worker = staff
    deprived = make_child(worker, "Kofi", "Ashcombe")
    Address.objects.create(person=deprived, postcode="M1 1AA", start_date=dt.date(2020, 1, 1), imd_decile=1)
    moved = make_child(worker, "Amara", "Brambleford")
    Address.objects.create(
        person=moved,
        postcode="M2 2AA",
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2025, 4, 10),
        imd_decile=2,
    )
    Address.objects.create(person=moved, postcode="M3 3AA", start_date=dt.date(2025, 4, 11), imd_decile=9)
    no_address = make_child(worker, "Tia", "Cinderwick")
    no_decile = make_child(worker, "Leo", "Dunmore")
    Address.objects.create(person=no_decile, postcode="M4 4AA", start_date=dt.date(2020, 1, 1))
    for c in (deprived, moved, no_address, no_decile):
        flag(c, dt.date(2025, 4, 1))
    figures = metric.compute(APRIL)
    assert figures["area.by_imd_decile.1"] == Percent(1, 4)
    assert figures["area.by_imd_decile.9"] == Percent(1, 4)  # the address on the period's last day
    assert figures["area.by_imd_decile.2"] == Percent(0, 4)
    assert figures["area.by_imd_decile.unknown"] == Percent(2, 4)


def test_known_to_hub_by_the_periods_end(staff):
    manager, worker = staff
    by_episode, by_referral, by_consultation, not_known, too_late, anonymous = (
        make_child(worker, n, s)
        for n, s in [
            ("Kofi", "Ashcombe"),
            ("Amara", "Brambleford"),
            ("Tia", "Cinderwick"),
            ("Leo", "Dunmore"),
            ("Maya", "Elsworth"),
            ("Noor", "Fenwick"),
        ]
    )
    for c in (by_episode, by_referral, by_consultation, not_known, too_late, anonymous):
        flag(c, dt.date(2025, 4, 1), source="SOCIAL_CARE", holder="LOCALITY")
    referral = referrals.record_referral(
        by_episode,
        referrals.ReferralDetails(received_date=dt.date(2024, 1, 5), primary_type="CSE"),
        actor=worker,
    )
    referrals.decide_referral(referral, "OPEN", "Reasons", actor=manager, decision_date=dt.date(2024, 1, 6))
    episode = casework.open_episode(referral, actor=manager, open_date=dt.date(2024, 1, 6))
    from cshub.casework.models import Episode

    Episode.objects.filter(pk=episode.pk).update(close_date=dt.date(2024, 6, 1))  # a past episode
    referrals.record_referral(
        by_referral,
        referrals.ReferralDetails(received_date=dt.date(2025, 4, 30), primary_type="CCE"),
        actor=worker,
    )
    Consultation.objects.create(
        occurred_at=dt.datetime(2025, 4, 30, 22, 59, tzinfo=dt.UTC),  # 23:59 BST on 30 April
        how="PHONE",
        caller_agency="EDUCATION",
        person=by_consultation,
        advice="Advice",
        outcome="ADVICE_ONLY",
        recorded_by=worker,
    )
    Consultation.objects.create(
        occurred_at=dt.datetime(2025, 4, 30, 23, 0, tzinfo=dt.UTC),  # 00:00 BST on 1 May: too late
        how="PHONE",
        caller_agency="EDUCATION",
        person=too_late,
        advice="Advice",
        outcome="ADVICE_ONLY",
        recorded_by=worker,
    )
    referrals.record_referral(
        too_late,
        referrals.ReferralDetails(received_date=dt.date(2025, 5, 1), primary_type="CCE"),
        actor=worker,
    )
    Consultation.objects.create(  # anonymous: about nobody the hub can know
        occurred_at=dt.datetime(2025, 4, 2, 9, 0, tzinfo=dt.UTC),
        how="PHONE",
        caller_agency="EDUCATION",
        anonymous_initials="NF",
        advice="Advice",
        outcome="ADVICE_ONLY",
        recorded_by=worker,
    )
    figures = metric.compute(APRIL)
    assert figures["area.known_to_hub"] == Percent(3, 6)
    assert set(metric.known_to_hub(APRIL).values_list("pk", flat=True)) == {
        by_episode.pk,
        by_referral.pk,
        by_consultation.pk,
    }
    # In May, the referral and consultation of 1 May make the fourth known.
    may = Period(dt.date(2025, 5, 1), dt.date(2025, 5, 31))
    assert metric.compute(may)["area.known_to_hub"] == Percent(4, 6)


def _daily(worker: Any, day: dt.date) -> Meeting:
    kind = MeetingType.objects.filter(cadence=Cadence.DAILY).first()
    assert kind is not None
    return Meeting.objects.create(meeting_type=kind, date=day, created_by=worker)


def _item(meeting: Meeting, child: Any, removed: bool = False) -> None:
    item = AgendaItem.objects.create(
        meeting=meeting,
        order=AgendaItem.objects.filter(meeting=meeting).count() + 1,
        source_kind="AREA_REGISTER",
        title="Flagged by early help",
        removed_at=dt.datetime(2025, 4, 2, 9, 0, tzinfo=dt.UTC) if removed else None,
    )
    item.children.add(child)


def test_seen_at_the_daily_meeting_in_the_period(staff):
    _, worker = staff
    seen, removed, before, panel, not_seen = (
        make_child(worker, n, s)
        for n, s in [
            ("Kofi", "Ashcombe"),
            ("Amara", "Brambleford"),
            ("Tia", "Cinderwick"),
            ("Leo", "Dunmore"),
            ("Maya", "Elsworth"),
        ]
    )
    for c in (seen, removed, before, panel, not_seen):
        flag(c, dt.date(2025, 3, 1))
    _item(_daily(worker, dt.date(2025, 4, 30)), seen)
    _item(_daily(worker, dt.date(2025, 4, 2)), removed, removed=True)
    _item(_daily(worker, dt.date(2025, 3, 31)), before)  # the day before the period
    weekly = MeetingType.objects.exclude(cadence=Cadence.DAILY).first()
    assert weekly is not None
    _item(Meeting.objects.create(meeting_type=weekly, date=dt.date(2025, 4, 10), created_by=worker), panel)
    figures = metric.compute(APRIL)
    assert figures["area.seen_at_daily_meeting"] == Percent(1, 5)
    assert list(metric.seen_at_daily_meeting(APRIL).values_list("pk", flat=True)) == [seen.pk]


def test_new_flags_per_month_count_a_child_in_the_month_of_their_first_flag(staff):
    _, worker = staff
    april, twice, earlier, may_end = (
        make_child(worker, n, s)
        for n, s in [
            ("Kofi", "Ashcombe"),
            ("Amara", "Brambleford"),
            ("Tia", "Cinderwick"),
            ("Leo", "Dunmore"),
        ]
    )
    flag(april, dt.date(2025, 4, 1))
    flag(twice, dt.date(2025, 4, 30), source="SCHOOL")
    flag(twice, dt.date(2025, 5, 2), source="POLICE")  # flagged again: not new in May
    flag(earlier, dt.date(2025, 3, 31))  # first flagged before the period
    flag(earlier, dt.date(2025, 5, 3))
    flag(may_end, dt.date(2025, 5, 31))
    figures = metric.compute(Period(dt.date(2025, 4, 15), dt.date(2025, 5, 31)))
    assert figures["area.new_flags.2025-04"] == Count(1)  # 15 to 30 April: not 1 April
    assert figures["area.new_flags.2025-05"] == Count(1)
    year = metric.compute(YEAR)
    assert [n for n in year if n.startswith("area.new_flags.")] == [
        f"area.new_flags.{m}"
        for m in [
            "2025-04",
            "2025-05",
            "2025-06",
            "2025-07",
            "2025-08",
            "2025-09",
            "2025-10",
            "2025-11",
            "2025-12",
            "2026-01",
            "2026-02",
            "2026-03",
        ]
    ]
    assert year["area.new_flags.2025-04"] == Count(2)


def test_every_breakdown_key_is_there_with_zeros_when_nobody_is_flagged(staff):
    figures = metric.compute(APRIL)
    assert list(figures) == metric.names(APRIL)
    assert figures["area.children"] == Count(0)
    assert figures["area.known_to_hub"] == Percent(0, 0)
    assert figures["area.by_imd_decile.unknown"].percent is None


def test_the_children_behind_the_area_figures_are_the_ones_counted(staff):
    _, worker = staff
    known, unknown = make_child(worker, "Kofi", "Ashcombe"), make_child(worker, "Amara", "Brambleford")
    flag(known, dt.date(2025, 4, 1))
    flag(known, dt.date(2025, 4, 2), source="SCHOOL")
    flag(unknown, dt.date(2025, 4, 3))
    referrals.record_referral(
        known, referrals.ReferralDetails(received_date=dt.date(2025, 4, 5), primary_type="CCE"), actor=worker
    )
    _item(_daily(worker, dt.date(2025, 4, 7)), unknown)
    figures = compute(APRIL)
    for name in ["area.children", "area.known_to_hub", "area.seen_at_daily_meeting"]:
        assert name in DRILLS
        ids, records = children(name, APRIL)
        figure = figures[name]
        expected = figure.numerator if isinstance(figure, Percent) else figure.value
        assert records == expected and len(set(ids)) == expected, name
    assert set(children("area.known_to_hub", APRIL)[0]) == {known.pk}


def test_published_breakdowns_hide_small_numbers_and_the_next_smallest(staff):
    _, worker = staff
    for i in range(9):
        c = make_child(worker, "Sam", f"Girl{i}", gender="02")
        flag(c, dt.date(2025, 4, 1))
    boy = make_child(worker, "Sam", "Boy")
    flag(boy, dt.date(2025, 4, 1))
    figures = compute(APRIL)
    docs = publish(figures)
    assert docs["area.children"] == {"value": 10}
    assert docs["area.by_gender.male"]["numerator"] == "c"
    # The only other non-zero cell would give the boy away by subtraction: hidden too.
    assert docs["area.by_gender.female"]["numerator"] == "c"
    # Concerns overlap (a child under two), so they are not a breakdown that adds up.
    assert docs["area.by_concern.CCE"]["numerator"] == 10


def test_the_dashboard_has_a_whole_area_and_a_consultations_section(staff, client_for):
    _, worker = staff
    child = make_child(worker)
    flag(child, dt.date(2025, 4, 1), concern="CSE")
    now = compute(APRIL)
    rows = {r.name: r for r in dashboard.rows("area", now, {})}
    assert rows["area.children"].value == "1"
    charts = {c.title: c for c in dashboard.charts("area", now)}
    assert any("2025" in bar.label for c in charts.values() for bar in c.bars)  # new flags: April 2025
    assert "area.children" in {n for n, _ in dashboard.ROWS["area"]}
    url = "/performance/?year=2025&start_day=1&start_month=4&start_year=2025&end_day=30&end_month=4&end_year=2025"
    page = client_for("analyst").get(url).content.decode()
    assert 'id="area"' in page and 'id="consultations"' in page
    assert "Children flagged at risk of exploitation in the area" in page
    assert "Ashcombe" not in page
    assert "April 2025" in page
    manager_page = client_for("team_manager").get(url).content.decode()
    assert "/performance/figures/area.children/" in manager_page


def test_cshub_metrics_prints_the_area_and_consultation_figures(staff):
    import json
    from io import StringIO

    from django.core.management import call_command

    _, worker = staff
    flag(make_child(worker), dt.date(2025, 4, 3))
    out = StringIO()
    call_command("metrics", "--from", "2025-04-01", "--to", "2025-05-31", "--format", "json", stdout=out)
    doc = json.loads(out.getvalue())["metrics"]
    assert doc["area.children"] == {"value": 1}
    assert doc["area.new_flags.2025-04"] == {"value": 1} and doc["area.new_flags.2025-05"] == {"value": 0}
    assert doc["consultations.total"] == {"value": 0}
    assert doc["consultations.follow_up.median_days"] == {"value": None}
    out = StringIO()
    call_command(
        "metrics",
        "--from",
        "2025-04-01",
        "--to",
        "2025-05-31",
        "--format",
        "csv",
        "--publication",
        stdout=out,
    )
    rows = dict(line.split(",", 1) for line in out.getvalue().splitlines())
    assert rows["area.children"] == ",,c" and rows["area.by_concern.CCE"] == "c,c,c"


def test_a_record_merged_into_another_is_not_counted_again(staff):
    _, worker = staff
    kept, merged = make_child(worker, "Kofi", "Ashcombe"), make_child(worker, "Kofi", "Ashcomb")
    flag(kept, dt.date(2025, 4, 2))
    flag(merged, dt.date(2025, 4, 3))  # a flag left on a merged record (the merge moves them)
    type(merged).objects.filter(pk=merged.pk).update(merged_into=kept)
    figures = metric.compute(APRIL)
    assert figures["area.children"] == Count(1)
    assert figures["area.new_flags.2025-04"] == Count(1)
