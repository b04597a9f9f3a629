"""Compliance with practice standards (docs/metrics.md, "Compliance with practice
standards"): each figure on hand-made data at its edges (within, just outside, no record at
all), the standard in force on the measured day, teams and workers, and a fixed number of
queries whatever the number of episodes."""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cshub.access.models import User
from cshub.assurance.metrics import Percent, Period, compliance, compute
from cshub.casework.models import Assessment, CaseSummary, Episode
from cshub.conftest import make_child
from cshub.contact.models import Contact, ContactKind, VoiceEntry
from cshub.core.dates import LONDON
from cshub.missing.models import MissingEpisode, PoliceRisk
from cshub.plans.models import ChildPlan, PlanReview
from cshub.standards.models import PracticeStandard
from cshub.standards.standards import in_force
from cshub.supervision.models import Supervision
from cshub.workforce.models import Membership, Team

D = dt.date(2026, 6, 30)  # the measured day: a past day, so every figure is "as on D"
pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(personas: dict[str, User]) -> tuple[User, User]:
    return personas["practitioner"], personas["team_manager"]


_names = iter(f"Child{n}" for n in range(1000))


def episode(worker: User, opened_days_ago: int = 200, **extra: Any) -> Episode:
    child = make_child(worker, next(_names), "Ashcombe")
    return Episode.objects.create(
        person=child, open_date=D - dt.timedelta(days=opened_days_ago), allocated_worker=worker, **extra
    )


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON)


def ago(days: int) -> dt.date:
    return D - dt.timedelta(days=days)


def within(ep: Episode) -> dict[str, bool]:
    """Whether the episode is within each standard on D; and the due date the drill-down
    shows agrees (within exactly when it is due on or after D)."""
    row = compliance.annotate_within(Episode.objects.filter(pk=ep.pk), D).get()
    found = {s.key: getattr(row, f"within_{s.key}") for s in compliance.STANDARDS}
    for key, yes in found.items():
        _, due = compliance.last_and_due(row, key, in_force(D))
        assert yes == (due is not None and due >= D), (key, due)
    return found


def visit(ep: Episode, days_ago: int, *, seen: bool = True) -> None:
    worker = ep.allocated_worker
    assert worker is not None
    Contact.objects.create(
        episode=ep, kind=ContactKind.VISIT, on=ago(days_ago), seen=seen, where="Home", recorded_by=worker
    )


def test_visit_within_just_outside_none_and_a_new_episode(staff: tuple[User, User]) -> None:
    worker, _ = staff
    inside, outside, never, unseen, later = (episode(worker) for _ in range(5))
    new = episode(worker, opened_days_ago=9)
    visit(inside, 10)  # exactly the standard (10 days): within
    visit(outside, 11)
    visit(unseen, 1, seen=False)  # the child not seen does not count
    visit(later, -1)  # after the measured day: not yet recorded on D
    assert within(inside)["visit"] and within(new)["visit"]
    assert not any(within(e)["visit"] for e in (outside, never, unseen, later))
    assert compute(Period(ago(29), D), (compliance,))["compliance.visit"] == Percent(2, 6)


def test_supervision_own_or_group_within_the_standard(staff: tuple[User, User]) -> None:
    worker, manager = staff
    own, group, outside, never = (episode(worker) for _ in range(4))

    def supervise(ep: Episode, days_ago: int) -> Supervision:
        return Supervision.objects.create(
            episode=ep,
            kind="INDIVIDUAL",
            held_on=ago(days_ago),
            supervisor=manager,
            supervisee=worker,
            discussion="d",
            decisions="d",
            recorded_by=manager,
        )

    supervise(own, 27)  # 28-day standard: the 28 days up to and including D
    supervise(outside, 28)
    supervise(never, -2)
    supervise(outside, 60).group_episodes.add(group)
    supervise(own, 5).group_episodes.add(group)
    assert within(own)["supervision"] and within(group)["supervision"]
    assert not within(outside)["supervision"] and not within(never)["supervision"]


def test_assessment_first_review_and_after_a_high_risk_episode(staff: tuple[User, User]) -> None:
    worker, _ = staff
    first_due = episode(worker, opened_days_ago=28)  # due on D: not overdue
    first_late = episode(worker, opened_days_ago=29)
    reviewed, review_late, after_event, event_recent = (episode(worker) for _ in range(4))

    def assess(ep: Episode, days_ago: int) -> None:
        Assessment.objects.create(
            episode=ep, completed_date=ago(days_ago), risk_level="MEDIUM", assessor=worker
        )

    assess(reviewed, 91)
    assess(review_late, 92)
    assess(after_event, 30)
    assess(event_recent, 30)
    for ep, days_ago in ((after_event, 8), (event_recent, 7)):
        MissingEpisode.objects.create(
            person=ep.person, reported_at=at(ago(days_ago)), police_risk=PoliceRisk.HIGH
        )
    assert within(first_due)["assessment"] and within(reviewed)["assessment"]
    assert within(event_recent)["assessment"]  # reviewed within 7 days of it: due tomorrow
    assert not within(first_late)["assessment"]
    assert not within(review_late)["assessment"] and not within(after_event)["assessment"]


def test_plan_review_by_the_cadence_of_the_last_assessed_level(staff: tuple[User, User]) -> None:
    worker, _ = staff
    high_ok, high_late, medium_ok, low_ok, no_plan, written_late = (episode(worker) for _ in range(6))

    def plan(
        ep: Episode, written_days_ago: int, reviewed_days_ago: int | None = None, level: str = ""
    ) -> None:
        p = ChildPlan.objects.create(
            episode=ep,
            version=1,
            needs="n",
            outcomes="o",
            contingency="c",
            written_by=worker,
            written_at=at(ago(written_days_ago)),
        )
        if reviewed_days_ago is not None:
            PlanReview.objects.create(
                plan=p, reviewed_on=ago(reviewed_days_ago), progress="p", reviewed_by=worker
            )
        if level:
            Assessment.objects.create(episode=ep, completed_date=ago(50), risk_level=level, assessor=worker)

    plan(high_ok, 100, 14, "HIGH")
    plan(high_late, 100, 15, "HIGH")
    plan(medium_ok, 28)  # no assessment: the medium cadence, from the plan written
    plan(low_ok, 100, 42, "LOW")
    plan(written_late, 29)
    assert all(within(e)["plan_review"] for e in (high_ok, medium_ok, low_ok))
    assert not any(within(e)["plan_review"] for e in (high_late, no_plan, written_late))


def test_voice_and_summary(staff: tuple[User, User]) -> None:
    worker, _ = staff
    ok, late, never = (episode(worker) for _ in range(3))
    for ep, days_ago in ((ok, 42), (late, 43)):
        VoiceEntry.objects.create(
            person=ep.person, said="s", how_gathered="VISIT", gathered_on=ago(days_ago), gathered_by=worker
        )
    CaseSummary.objects.create(
        person=ok.person,
        who_the_child_is="w",
        current_risks="r",
        what_is_working="w",
        the_plan="p",
        written_by=worker,
        written_at=at(ago(28), 0) + dt.timedelta(minutes=1),
    )
    CaseSummary.objects.create(
        person=late.person,
        who_the_child_is="w",
        current_risks="r",
        what_is_working="w",
        the_plan="p",
        written_by=worker,
        written_at=at(ago(29), 23),
    )
    assert within(ok)["voice"] and within(ok)["summary"]
    assert not within(late)["voice"] and not within(late)["summary"]
    assert not within(never)["voice"] and not within(never)["summary"]


def test_the_standard_in_force_on_the_measured_day(staff: tuple[User, User]) -> None:
    """A month before a change the old standard counts; after it, the new one."""
    worker, manager = staff
    ep = episode(worker)
    visit(ep, 15)  # 15 days before D
    PracticeStandard.objects.create(
        code="VISIT", version=1, days=20, effective_from=dt.date(2026, 1, 1), reason="r", set_by=manager
    )
    PracticeStandard.objects.create(
        code="VISIT", version=2, days=14, effective_from=D, reason="r", set_by=manager
    )
    assert not within(ep)["visit"]  # 14 days on D
    row: Any = compliance.annotate_within(Episode.objects.filter(pk=ep.pk), ago(1)).get()
    assert row.within_visit  # 20 days the day before: 14 days after the visit
    month_before = Period(dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    Contact.objects.filter(episode=ep).update(on=dt.date(2026, 5, 31) - dt.timedelta(days=15))
    assert compute(month_before, (compliance,))["compliance.visit"] == Percent(1, 1)


def test_by_team_and_worker_add_up_to_the_hub(staff: tuple[User, User], personas: dict[str, User]) -> None:
    worker, manager = staff
    team = Team.objects.create(name="Hub team", manager=manager)
    Membership.objects.create(user=worker, team=team, since=ago(400))
    police = personas["missing_worker"]  # in no team
    a, b = episode(worker), episode(worker)
    c = episode(police)
    unallocated = episode(worker)
    Episode.objects.filter(pk=unallocated.pk).update(allocated_worker=None)
    visit(a, 1)
    visit(c, 1)
    teams = {g.label: g for g in compliance.by_team(D)}
    assert list(teams) == ["Hub team", compliance.NO_TEAM]
    assert teams["Hub team"].figures["visit"] == Percent(1, 2)
    assert teams[compliance.NO_TEAM].figures["visit"] == Percent(1, 2)
    workers = {g.pk: g for g in compliance.by_worker(D)}
    assert workers[worker.pk].figures["visit"] == Percent(1, 2)
    assert workers[None].label == compliance.NOT_ALLOCATED
    assert workers[worker.pk].team == team.pk and workers[police.pk].team is None
    assert (
        compliance.hub(D)["visit"]
        == Percent(2, 4)
        == compute(Period(D, D), (compliance,))["compliance.visit"]
    )
    assert b.pk


def test_a_fixed_number_of_queries_whatever_the_number_of_episodes(staff: tuple[User, User]) -> None:
    worker, _ = staff

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            compliance.hub(D)
            compliance.by_team(D)
            compliance.by_worker(D)
        return len(ctx.captured_queries)

    episode(worker)
    few = queries()
    for _ in range(6):
        visit(episode(worker), 3)
    assert queries() == few == 6  # each: the standards in force, then one aggregate
