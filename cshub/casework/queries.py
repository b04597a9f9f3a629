"""Read-side queries for casework pages (caseloads, the hub at a glance)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q

from cshub.access.models import User
from cshub.casework.models import Episode, EpisodeQuerySet
from cshub.core.limits import without_long_text
from cshub.people.models import Person
from cshub.referrals.models import Decision, Referral


def caseload(episodes: EpisodeQuerySet) -> EpisodeQuerySet:
    return without_long_text(
        episodes.open()
        .select_related("person", "allocated_worker", "referral")
        .order_by("person__surname", "person__forename"),
        "person",
        "referral",
    )


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


def my_children(user: User) -> EpisodeQuerySet:
    return caseload(Episode.objects.visible_to(user).filter(allocated_worker=user))


def open_episode_of(person: Person) -> Episode | None:
    return person.episodes.open().select_related("allocated_worker").first()
