"""Read-side queries for casework pages (caseloads, the hub at a glance)."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Q

from cshub.access.models import User
from cshub.casework.models import Episode, EpisodeQuerySet, RiskLevel
from cshub.casework.risk import with_current_risk
from cshub.core.limits import without_long_text
from cshub.people.models import Person
from cshub.referrals.models import Decision, Referral


def caseload(episodes: EpisodeQuerySet) -> EpisodeQuerySet:
    """Open episodes with each child's current risk (`casework.risk`), by name."""
    return without_long_text(
        with_current_risk(episodes.open())
        .select_related("person", "allocated_worker", "referral")
        .order_by("person__surname", "person__forename", "id"),
        "person",
        "referral",
    )


RISK_FILTERS = [
    ("HIGH", "High"),
    ("MEDIUM", "Medium"),
    ("LOW", "Low"),
    ("NONE", "No reviewed assessment"),
    ("OVERDUE", "Review overdue"),
]
SORTS = [("name", "Child's name"), ("risk", "Current risk, highest first")]


def by_risk(episodes: EpisodeQuerySet, risk: str, sort: str) -> EpisodeQuerySet:
    """A caseload filtered by current risk (a level, none reviewed, or a review overdue)
    and sorted by it (highest first, overdue reviews first within a level) when asked."""
    if risk in RiskLevel.values:
        episodes = episodes.filter(Q(risk_level=risk))
    elif risk == "NONE":
        episodes = episodes.filter(Q(risk_level__isnull=True))
    elif risk == "OVERDUE":
        episodes = episodes.filter(Q(risk_review_overdue=True))
    if sort == "risk":
        episodes = episodes.order_by(
            "-risk_rank", "-risk_review_overdue", "person__surname", "person__forename", "id"
        )
    return episodes


def team_counts(episodes: EpisodeQuerySet) -> list[dict[str, object]]:
    """Open episodes per allocated worker (None = awaiting allocation)."""
    rows = (
        episodes.open()
        .values("allocated_worker", "allocated_worker__first_name", "allocated_worker__last_name")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    return list(rows)


@dataclass(frozen=True)
class HubAtAGlance:
    open_episodes: int
    awaiting_allocation: int
    awaiting_authorisation: int
    referrals_pending: int
    referrals_in_year: int
    opened_in_year: int
    closed_in_year: int
    year_start: dt.date


def hub_at_a_glance(today: dt.date) -> HubAtAGlance:
    """Counts only (no names): safe for analysts and strategic leads."""
    year_start = dt.date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    ep = Episode.objects.aggregate(
        open=Count("id", filter=Q(close_date__isnull=True)),
        unallocated=Count("id", filter=Q(close_date__isnull=True, allocated_worker__isnull=True)),
        awaiting=Count("id", filter=Q(close_date__isnull=True, closure_requested_at__isnull=False)),
        opened=Count("id", filter=Q(open_date__gte=year_start, open_date__lte=today)),
        closed=Count("id", filter=Q(close_date__gte=year_start, close_date__lte=today)),
    )
    ref = Referral.objects.aggregate(
        pending=Count("id", filter=Q(decision=Decision.PENDING)),
        year=Count("id", filter=Q(received_date__gte=year_start, received_date__lte=today)),
    )
    return HubAtAGlance(
        ep["open"],
        ep["unallocated"],
        ep["awaiting"],
        ref["pending"],
        ref["year"],
        ep["opened"],
        ep["closed"],
        year_start,
    )


RowDates = Callable[[EpisodeQuerySet], EpisodeQuerySet]
_ROW_DATES: list[RowDates] = []


def register_caseload_dates(annotate: RowDates) -> None:
    """The hook for rooms to the right of casework whose columns a worker's caseload shows
    (the last visit, the last supervision: `plans.due.with_practice_dates`): each annotates
    the caseload's one query, so the page asks no question a row."""
    if annotate not in _ROW_DATES:
        _ROW_DATES.append(annotate)


def my_children(user: User) -> EpisodeQuerySet:
    episodes = caseload(Episode.objects.visible_to(user).filter(allocated_worker=user))
    for annotate in _ROW_DATES:
        episodes = annotate(episodes)
    return episodes


def open_episode_of(person: Person) -> Episode | None:
    return person.episodes.open().select_related("allocated_worker").first()
