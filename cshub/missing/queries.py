"""Read-side queries for missing episodes: the 72-hour queue and a child's history."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Q
from django.utils import timezone

from cshub.access.models import User
from cshub.missing.actions import INTERVIEW_HOURS
from cshub.missing.models import MissingEpisode, MissingEpisodeQuerySet
from cshub.people.models import Person


@dataclass(frozen=True)
class QueueItem:
    episode: MissingEpisode
    deadline: dt.datetime
    overdue: bool
    time_left: str


def _describe(delta: dt.timedelta) -> str:
    hours = int(abs(delta).total_seconds() // 3600)
    if hours == 0:
        return "less than an hour"
    days, hours = divmod(hours, 24)
    parts = ([f"{days} day{'s' if days != 1 else ''}"] if days else []) + [
        f"{hours} hour{'s' if hours != 1 else ''}"
    ]
    return " ".join(parts)


def interview_queue(
    user: User, *, from_care: bool | None = None, now: dt.datetime | None = None
) -> list[QueueItem]:
    """Children returned and awaiting a return interview, least time left first."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=settings.CSHUB_RHI_QUEUE_DAYS)
    episodes: MissingEpisodeQuerySet = (
        MissingEpisode.objects.visible_to(user)
        .awaiting_interview()
        .filter(returned_at__gte=since)
        .select_related("person")
    )
    if from_care is not None:
        episodes = episodes.filter(from_care=from_care)
    items = []
    for episode in episodes.order_by("returned_at", "id")[:500]:
        assert episode.returned_at is not None
        deadline = episode.returned_at + dt.timedelta(hours=INTERVIEW_HOURS)
        left = deadline - now
        overdue = left.total_seconds() < 0
        items.append(
            QueueItem(
                episode,
                deadline,
                overdue,
                f"Overdue by {_describe(left)}" if overdue else f"{_describe(left)} left",
            )
        )
    return items


@dataclass(frozen=True)
class MissingHistory:
    last_30: int
    last_90: int
    last_365: int
    total: int
    longest: dt.timedelta | None
    last: MissingEpisode | None
    still_missing: bool

    @property
    def longest_text(self) -> str:
        return _describe(self.longest) if self.longest else ""


def history(person: Person, now: dt.datetime | None = None) -> MissingHistory:
    now = now or timezone.now()
    episodes = person.missing_episodes.all()
    counts = episodes.aggregate(
        d30=Count("id", filter=Q(reported_at__gte=now - dt.timedelta(days=30))),
        d90=Count("id", filter=Q(reported_at__gte=now - dt.timedelta(days=90))),
        d365=Count("id", filter=Q(reported_at__gte=now - dt.timedelta(days=365))),
        total=Count("id"),
        longest=Max(ExpressionWrapper(F("returned_at") - F("reported_at"), output_field=DurationField())),
    )
    last = episodes.order_by("-reported_at").first()
    return MissingHistory(
        counts["d30"],
        counts["d90"],
        counts["d365"],
        counts["total"],
        counts["longest"],
        last,
        bool(last and last.returned_at is None),
    )
