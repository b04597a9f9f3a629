"""Dip samples: each rule's selection (its boundary dates, the 72 hours), n per worker and per
type, and the draw reproduced from its seed (docs/case-audits.md)."""

import datetime as dt
import random

import pytest

from cshub.caseaudits import sampling
from cshub.caseaudits.models import Sample, SampleRule
from cshub.caseaudits.tests.sample_data import assess, at_noon, episode, interview, staff
from cshub.conftest import TODAY

START = TODAY - dt.timedelta(days=300)
END = START + dt.timedelta(days=29)


def keys(cases: list[sampling.Case]) -> list[str]:
    return [c.key for c in cases]


def drawn(rule: str, seed: int = 7, **kw: object) -> list[str]:
    return keys(sampling.draw(rule, START, END, random.Random(seed), **kw))  # type: ignore[arg-type]


@pytest.fixture
def manager(personas):
    return personas["team_manager"]


@pytest.fixture
def worker(personas):
    return personas["practitioner"]


def test_open_episodes_are_those_open_at_any_time_in_the_period(manager, worker):
    inside = episode(manager, worker, START - dt.timedelta(days=40))
    opened_on_last_day = episode(manager, worker, END)
    closed_on_first_day = episode(manager, worker, START - dt.timedelta(days=10), closed=START)
    episode(manager, worker, END + dt.timedelta(days=1))  # opened after
    episode(
        manager, worker, START - dt.timedelta(days=20), closed=START - dt.timedelta(days=1)
    )  # closed before
    episode(manager, None, START)  # nobody allocated: no worker to sample by

    found = sampling.candidates(SampleRule.OPEN_PER_WORKER, START, END)

    assert keys(found) == [f"episode:{e.pk}" for e in (inside, opened_on_last_day, closed_on_first_day)]


def test_n_random_open_episodes_per_worker_all_of_a_worker_with_fewer(manager, worker):
    other = staff("Sam Smith")
    mine = [episode(manager, worker, START) for _ in range(4)]
    theirs = [episode(manager, other, START)]

    cases = sampling.draw(SampleRule.OPEN_PER_WORKER, START, END, random.Random(3), per_stratum=2)

    by_worker = {w: [c.pk for c in cases if c.worker_id == w] for w in (worker.pk, other.pk)}
    assert len(by_worker[worker.pk]) == 2
    assert set(by_worker[worker.pk]) <= {e.pk for e in mine}
    assert by_worker[other.pk] == [theirs[0].pk]


def test_the_same_seed_draws_the_same_cases_and_another_seed_another_draw(manager, worker):
    for _ in range(12):
        episode(manager, worker, START)

    first = drawn(SampleRule.OPEN_PER_WORKER, seed=20261130, per_stratum=4)

    assert drawn(SampleRule.OPEN_PER_WORKER, seed=20261130, per_stratum=4) == first
    assert drawn(SampleRule.OPEN_PER_WORKER, seed=20261131, per_stratum=4) != first
    assert len(first) == 4


def test_closures_at_medium_or_high_risk_by_the_level_at_closing(manager, worker):
    def closed(on: dt.date, *levels: tuple[dt.date, str]) -> str:
        made = episode(manager, worker, START - dt.timedelta(days=60), closed=on)
        for day, level in levels:
            assess(worker, made, day, level)
        return f"episode:{made.pk}"

    before = START - dt.timedelta(days=30)
    medium = closed(START, (before, "MEDIUM"))
    high_on_the_day = closed(END, (before, "LOW"), (END, "HIGH"))
    closed(END, (before, "LOW"))  # low at closing
    closed(END - dt.timedelta(days=5), (before, "LOW"), (END, "HIGH"))  # high only after it closed
    closed(END)  # never assessed
    closed(START - dt.timedelta(days=1), (before, "HIGH"))  # closed before the period
    closed(END + dt.timedelta(days=1), (before, "HIGH"))  # closed after it

    assert keys(sampling.candidates(SampleRule.CLOSURES_MEDIUM_HIGH, START, END)) == [medium, high_on_the_day]
    # Every closure the rule selects, whatever the seed.
    assert drawn(SampleRule.CLOSURES_MEDIUM_HIGH, seed=1) == drawn(SampleRule.CLOSURES_MEDIUM_HIGH, seed=2)


def test_late_return_interviews_are_those_more_than_72_hours_after_the_return(manager, worker):
    returned = at_noon(START + dt.timedelta(days=3))
    interview(worker, manager, returned, dt.timedelta(hours=72))  # exactly 72 hours: in time
    late = interview(worker, manager, returned, dt.timedelta(hours=72, minutes=1))
    interview(worker, manager, returned, dt.timedelta(hours=5))
    # Completed late but before the period starts.
    interview(worker, manager, at_noon(START - dt.timedelta(days=10)), dt.timedelta(hours=100))

    assert keys(sampling.candidates(SampleRule.LATE_RETURN_INTERVIEWS, START, END)) == [
        f"interview:{late.pk}"
    ]
    case = sampling.candidates(SampleRule.LATE_RETURN_INTERVIEWS, START, END)[0]
    assert case.worker_id == manager.pk  # the interviewer's practice


def test_n_random_return_interviews_completed_in_the_period(manager, worker):
    returned = at_noon(START + dt.timedelta(days=1))
    made = [interview(worker, manager, returned, dt.timedelta(hours=h)) for h in (1, 30, 80, 200)]
    interview(worker, manager, at_noon(END), dt.timedelta(hours=13))  # completed the day after the period

    cases = drawn(SampleRule.RETURN_INTERVIEWS, per_stratum=3)

    assert len(cases) == 3
    assert set(cases) <= {f"interview:{i.pk}" for i in made}


def test_stratified_by_type_takes_n_of_each_type_and_only_the_types_chosen(manager, worker):
    cce = [episode(manager, worker, START, kind="CCE") for _ in range(3)]
    cse = [episode(manager, worker, START, kind="CSE") for _ in range(2)]
    trafficking = episode(manager, worker, START, kind="TRAFFICKING")

    every = sampling.draw(SampleRule.STRATIFIED_BY_TYPE, START, END, random.Random(9), per_stratum=2)
    by_type = {t: [c.pk for c in every if c.stratum == t] for t in ("CCE", "CSE", "TRAFFICKING")}
    assert len(by_type["CCE"]) == 2 and set(by_type["CCE"]) <= {e.pk for e in cce}
    assert sorted(by_type["CSE"]) == [e.pk for e in cse]
    assert by_type["TRAFFICKING"] == [trafficking.pk]

    only = sampling.draw(
        SampleRule.STRATIFIED_BY_TYPE, START, END, random.Random(9), per_stratum=2, types=["CSE"]
    )
    assert sorted(c.pk for c in only) == [e.pk for e in cse]


def test_a_saved_round_drawn_again_says_whether_it_draws_the_same_cases(manager, worker):
    for _ in range(3):
        episode(manager, worker, START)
    cases = drawn(SampleRule.OPEN_PER_WORKER, seed=55, per_stratum=5)
    sample = Sample(
        rule=SampleRule.OPEN_PER_WORKER,
        per_stratum=5,
        period_start=START,
        period_end=END,
        seed=55,
        drawn=cases,
    )

    assert sampling.redraw(sample).same

    later = episode(manager, worker, END)  # a case opened since, back-dated into the period
    again = sampling.redraw(sample)
    assert not again.same
    assert again.added == [f"episode:{later.pk}"]
    assert again.gone == []
