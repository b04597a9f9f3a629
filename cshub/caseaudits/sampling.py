"""Dip samples (issue 22, docs/case-audits.md): the candidates of each rule for a period, in a
stable order (by id), and the draw from a seeded random generator. Pure: nothing here writes.

The same rule, period, number and seed over the same records draw the same cases, because the
candidates come in id order and `random.Random(seed)` makes the same choices from them. Each
rule's selection reuses the metrics engine's definition (the level at closing of
`closures.reopened_within_6_months`, the 72 hours of `rhi.within_72h`), so an audit round and
the figures never disagree about which closure was at medium risk or which interview was late.
"""

import datetime as dt
import random
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Q

from cshub.assurance.metrics.base import Period
from cshub.assurance.metrics.missing import completed, within_72h
from cshub.assurance.metrics.practice import level_at_closing
from cshub.caseaudits.models import COUNTED_RULES, Sample, SampleRule
from cshub.casework.models import Episode, RiskLevel
from cshub.core.codes import ExploitationType
from cshub.missing.models import ReturnInterview

EPISODE, INTERVIEW = "episode", "interview"


@dataclass(frozen=True)
class Case:
    """One case a rule can draw: a hub episode or a return interview, the child it is about
    and whose practice it is (the episode's allocated worker; the interviewer)."""

    kind: str  # EPISODE or INTERVIEW
    pk: int
    person_id: int
    worker_id: int | None
    stratum: str = ""  # what the counted rules draw n of: the worker's id, or the type

    @property
    def key(self) -> str:
        """As the sample stores it: "episode:12", "interview:40"."""
        return f"{self.kind}:{self.pk}"


def new_seed() -> int:
    """A seed for a round that was given none: nine digits, easy to read out and type again."""
    return 100_000_000 + secrets.randbelow(900_000_000)


def _open_in(start: dt.date, end: dt.date) -> "Q":
    # Open at any time in the period: opened by its end, not closed before its start.
    return Q(open_date__lte=end) & (Q(close_date__isnull=True) | Q(close_date__gte=start))


def candidates(rule: str, start: dt.date, end: dt.date, types: Iterable[str] = ()) -> list[Case]:
    """Every case the rule can draw in the period (both dates inclusive), in id order."""
    chosen_types = [t for t in types if t]
    if rule == SampleRule.OPEN_PER_WORKER:
        rows = (
            Episode.objects.filter(_open_in(start, end), allocated_worker__isnull=False)
            .order_by("pk")
            .values_list("pk", "person_id", "allocated_worker_id")
        )
        return [Case(EPISODE, pk, person, worker, str(worker)) for pk, person, worker in rows]
    if rule == SampleRule.STRATIFIED_BY_TYPE:
        # An episode's type is its referral's primary type; one without a recorded type is in
        # no stratum, so this rule never draws it.
        qs = Episode.objects.filter(_open_in(start, end)).exclude(referral__primary_type__isnull=True)
        qs = qs.exclude(referral__primary_type="")
        if chosen_types:
            qs = qs.filter(referral__primary_type__in=chosen_types)
        rows3 = qs.order_by("pk").values_list(
            "pk", "person_id", "allocated_worker_id", "referral__primary_type"
        )
        return [Case(EPISODE, pk, person, worker, kind) for pk, person, worker, kind in rows3]
    if rule == SampleRule.CLOSURES_MEDIUM_HIGH:
        rows = (
            Episode.objects.filter(close_date__gte=start, close_date__lte=end)
            .annotate(level=level_at_closing())
            .filter(level__in=[RiskLevel.MEDIUM, RiskLevel.HIGH])
            .order_by("pk")
            .values_list("pk", "person_id", "allocated_worker_id")
        )
        return [Case(EPISODE, pk, person, worker) for pk, person, worker in rows]
    if rule in (SampleRule.LATE_RETURN_INTERVIEWS, SampleRule.RETURN_INTERVIEWS):
        period = Period(start, end)
        interviews = completed(period)
        if rule == SampleRule.LATE_RETURN_INTERVIEWS:
            # Completed in the period and not within 72 hours of the return, exactly as the
            # figure rhi.within_72h counts it (no return recorded: not within).
            interviews = interviews.exclude(pk__in=within_72h(period).values("pk"))
        found = (
            ReturnInterview.objects.filter(pk__in=interviews.values("pk"))
            .order_by("pk")
            .values_list("pk", "missing_episode__person_id", "interviewer_id")
        )
        return [Case(INTERVIEW, pk, person, worker) for pk, person, worker in found]
    raise ValueError(f"unknown sample rule {rule!r}")


def draw(
    rule: str,
    start: dt.date,
    end: dt.date,
    rng: random.Random,
    *,
    per_stratum: int | None = None,
    types: Iterable[str] = (),
) -> list[Case]:
    """The cases the rule draws, in draw order. The counted rules take `per_stratum` at random
    from each stratum (per worker, per type, or of all the interviews), strata in a fixed
    order, all of a stratum's when it has fewer; the other rules take every candidate. `rng`
    is left where the draw ended, so allocation goes on from the same generator."""
    cases = candidates(rule, start, end, types)
    if rule not in COUNTED_RULES:
        return cases
    n = per_stratum or 0
    strata: dict[str, list[Case]] = {}
    for case in cases:
        strata.setdefault(case.stratum, []).append(case)
    drawn: list[Case] = []
    for key in sorted(strata, key=_stratum_order):
        group = strata[key]
        drawn.extend(group if len(group) <= n else rng.sample(group, n))
    return drawn


def _stratum_order(key: str) -> tuple[int, str]:
    # Workers by id (as numbers, so 10 comes after 9), types by name.
    return (int(key), "") if key.isdigit() else (0, key)


def draw_for(sample: Sample) -> list[Case]:
    """Draw a saved round's cases again from its rule, period and seed."""
    return draw(
        sample.rule,
        sample.period_start,
        sample.period_end,
        random.Random(sample.seed),  # nosec B311 # a reproducible dip sample from its recorded seed, not security
        per_stratum=sample.per_stratum,
        types=sample.types,
    )


@dataclass(frozen=True)
class Redraw:
    """A saved round drawn again: whether it draws the same cases, and if not what differs
    (records opened, closed, reassessed or interviews recorded since)."""

    same: bool
    count: int
    added: list[str]
    gone: list[str]


def redraw(sample: Sample) -> Redraw:
    now = [c.key for c in draw_for(sample)]
    then: Sequence[str] = sample.drawn
    return Redraw(
        same=now == list(then),
        count=len(now),
        added=[k for k in now if k not in set(then)],
        gone=[k for k in then if k not in set(now)],
    )


def type_label(code: str) -> str:
    return str(dict(ExploitationType.choices).get(code, code))
