"""Read-side queries for missing episodes: the 72-hour queue and a child's history."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone

from cshub.access.models import User
from cshub.casework.models import Episode
from cshub.casework.risk import with_current_risk
from cshub.core.dates import LONDON
from cshub.core.limits import without_long_text
from cshub.missing.actions import INTERVIEW_HOURS
from cshub.missing.models import (
    InterviewEntry,
    MissingEpisode,
    MissingEpisodeQuerySet,
    MissingFlag,
    ReturnInterview,
)
from cshub.people.models import Person, visible_q


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


_open_episode = Episode.objects.filter(person=OuterRef("person"), close_date__isnull=True)


def interview_queue(
    user: User,
    *,
    from_care: bool | None = None,
    now: dt.datetime | None = None,
    worker: User | None = None,
    team: str = "",
) -> list[QueueItem]:
    """Children returned and awaiting a return interview, least time left first, each
    with their current risk (`casework.risk`); optionally
    only children allocated to one hub worker, or to a team (the hub worker's agency)."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=settings.CSHUB_RHI_QUEUE_DAYS)
    episodes: MissingEpisodeQuerySet = without_long_text(
        MissingEpisode.objects.visible_to(user)
        .awaiting_interview()
        .filter(returned_at__gte=since)
        .select_related("person"),
        "person",
    )
    if from_care is not None:
        episodes = episodes.filter(from_care=from_care)
    if worker is not None:
        episodes = episodes.filter(
            person__episodes__close_date__isnull=True, person__episodes__allocated_worker=worker
        )
    if team:
        episodes = episodes.filter(
            person__episodes__close_date__isnull=True, person__episodes__allocated_worker__agency=team
        )
    episodes = with_current_risk(episodes).annotate(
        hub_worker_first=Subquery(_open_episode.values("allocated_worker__first_name")[:1]),
        hub_worker_last=Subquery(_open_episode.values("allocated_worker__last_name")[:1]),
    )
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
    # The last episode is from a DfE return with no end date, and the return's collection
    # year is over: whether the child came back is not in the return.
    end_not_recorded: bool = False

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
        bool(last and last.returned_at is None and not last.end_not_recorded(timezone.localdate(now))),
        bool(last and last.end_not_recorded(timezone.localdate(now))),
    )


@dataclass(frozen=True)
class MonthBar:
    label: str
    count: int
    height: int
    x: int

    @property
    def y(self) -> int:
        return 50 - self.height


@dataclass(frozen=True)
class PanelChild:
    person: Person
    flags: list[MissingFlag]
    months: list[MonthBar]
    interview: ReturnInterview | None
    last_12_months: int


def panel(user: User, now: dt.datetime | None = None) -> list[PanelChild]:
    """Children brought to the missing panel by a trigger, with their last 12 months."""
    now = now or timezone.now()
    flags = MissingFlag.objects.open().filter(visible_q(user)).select_related("person", "rule")
    by_person: dict[int, list[MissingFlag]] = {}
    for flag in flags.order_by("raised_at"):
        by_person.setdefault(flag.person_id, []).append(flag)
    start = (now.astimezone(LONDON).date().replace(day=1) - dt.timedelta(days=335)).replace(day=1)
    counts: dict[tuple[int, dt.date], int] = {}
    rows = (
        MissingEpisode.objects.filter(
            person_id__in=by_person, reported_at__gte=dt.datetime.combine(start, dt.time(), tzinfo=LONDON)
        )
        .annotate(month=TruncMonth("reported_at", tzinfo=LONDON))
        .values_list("person_id", "month")
        .annotate(n=Count("id"))
        .order_by()
    )
    for person_id, month, n in rows:
        counts[(person_id, month.date() if isinstance(month, dt.datetime) else month)] = n
    months = [
        (start.replace(year=start.year + (start.month - 1 + i) // 12, month=(start.month - 1 + i) % 12 + 1))
        for i in range(12)
    ]
    latest_interviews = {
        i.missing_episode.person_id: i
        for i in ReturnInterview.objects.filter(missing_episode__person_id__in=by_person, outcome="COMPLETED")
        .select_related("missing_episode")
        .order_by("completed_at")
    }
    children = []
    for person_id, person_flags in by_person.items():
        series = [counts.get((person_id, m), 0) for m in months]
        top = max(series) or 1
        children.append(
            PanelChild(
                person_flags[0].person,
                person_flags,
                [
                    MonthBar(f"{m:%b %Y}", n, round(45 * n / top), 30 * i)
                    for i, (m, n) in enumerate(zip(months, series, strict=True))
                ],
                latest_interviews.get(person_id),
                sum(series),
            )
        )
    return sorted(children, key=lambda c: c.flags[0].raised_at)


def overdue_today(now: dt.datetime | None = None) -> tuple[int, int]:
    """(waiting, overdue) return interviews in the queue now, across the hub: counts only."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=settings.CSHUB_RHI_QUEUE_DAYS)
    waiting = MissingEpisode.objects.awaiting_interview().filter(returned_at__gte=since)
    overdue = waiting.filter(returned_at__lt=now - dt.timedelta(hours=INTERVIEW_HOURS))
    return waiting.count(), overdue.count()


@dataclass(frozen=True)
class Pattern:
    kind: str
    value: str
    children: list[Person]
    hidden: int
    mentions: int
    last: dt.datetime | None


def patterns(user: User, *, min_children: int = 2, kind: str = "") -> list[Pattern]:
    """Places, people, vehicles and phones named in return interviews about two or more
    children: grouped in the database by their normalised form."""
    entries = InterviewEntry.objects.all()
    if kind:
        entries = entries.filter(kind=kind)
    groups = (
        entries.values("kind", "key")
        .annotate(
            children=Count("person", distinct=True), mentions=Count("id"), last=Max("interview__completed_at")
        )
        .filter(children__gte=min_children)
        .order_by("-children", "-mentions")[:100]
    )
    visible = set(Person.objects.visible_to(user).values_list("pk", flat=True))
    found = []
    for g in groups:
        rows = InterviewEntry.objects.filter(kind=g["kind"], key=g["key"]).select_related("person")
        people = {r.person_id: r.person for r in rows}
        shown = [p for pk, p in sorted(people.items()) if pk in visible]
        found.append(
            Pattern(
                kind=g["kind"],
                value=rows[0].value,
                children=shown,
                hidden=len(people) - len(shown),
                mentions=g["mentions"],
                last=g["last"],
            )
        )
    return found
