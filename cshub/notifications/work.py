"""What is due and overdue for one person: the work their home page brings to them.

Each list is a fixed number of queries however many children are on a caseload: the
episodes carry what decides their due dates as subqueries (the last assessment and its
level, the current plan and its last review, the last visit in which the child was seen,
the last case summary), and the dates come from the same rules as the child's page
(`casework.due`, `plans.due`)."""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from cshub.access.models import User
from cshub.audit.models import Action, AuditEvent
from cshub.casework import due
from cshub.casework.models import Assessment, CaseSummary, Episode, EpisodeQuerySet
from cshub.contact.models import Contact
from cshub.core.limits import without_long_text
from cshub.missing.models import HeldReport, MissingEpisode, ReturnInterview
from cshub.missing.queries import QueueItem, interview_queue
from cshub.people.models import Person, visible_q
from cshub.plans.models import ChildPlan, PlanReview
from cshub.tasks.models import Task

# Work due within this many days is shown beside what is overdue.
SOON_DAYS = 7

ASSESSMENT, PLAN_REVIEW, VISIT, SUMMARY, ACTION = (
    "Assessment",
    "Plan review",
    "Visit",
    "Case summary",
    "Action",
)
KINDS = (ASSESSMENT, PLAN_REVIEW, VISIT, SUMMARY, ACTION)
_PLURAL = {k: f"{k.lower()}s" for k in KINDS}


@dataclass(frozen=True)
class WorkItem:
    kind: str
    what: str
    due_date: dt.date
    overdue: bool
    link: str
    person: Person | None = None


def _with_due_dates(episodes: EpisodeQuerySet) -> "QuerySet[Episode]":
    plan = ChildPlan.objects.filter(episode=OuterRef("pk")).order_by("-version")
    return without_long_text(
        due.with_assessment_dates(episodes)
        .annotate(
            last_level=Subquery(
                Assessment.objects.filter(episode=OuterRef("pk"))
                .order_by("-completed_date", "-id")
                .values("risk_level")[:1]
            ),
            plan_id=Subquery(plan.values("pk")[:1]),
            plan_written=Subquery(plan.values("written_at")[:1]),
            last_seen=Subquery(
                Contact.objects.filter(episode=OuterRef("pk"), seen=True).order_by("-on").values("on")[:1]
            ),
            last_summary=Subquery(
                CaseSummary.objects.filter(person=OuterRef("person"))
                .order_by("-written_at")
                .values("written_at")[:1]
            ),
        )
        .annotate(
            plan_reviewed=Subquery(
                PlanReview.objects.filter(plan=OuterRef("plan_id"))
                .order_by("-reviewed_on")
                .values("reviewed_on")[:1]
            )
        )
        .select_related("person", "allocated_worker"),
        "person",
    )


def _episode_items(ep: Episode, today: dt.date) -> list[WorkItem]:
    """Every due date of one annotated episode (not yet cut to what is soon)."""
    row = ep.__dict__
    child = reverse("casework:child", args=[ep.person_id])
    casework = reverse("plans:casework", args=[ep.person_id])
    items: list[WorkItem] = []
    assessment = due.assessment_due(ep.open_date, row["last_assessed"], row["high_risk_since"])
    items.append(
        WorkItem(ASSESSMENT, f"{assessment.what} ({assessment.why})", assessment.due_date, False, casework)
    )
    if row["plan_id"] is not None:
        since = row["plan_reviewed"] or timezone.localtime(row["plan_written"]).date()
        level = row["last_level"] or "MEDIUM"
        days = due.standard(f"PLAN_REVIEW_{level}")
        items.append(
            WorkItem(
                PLAN_REVIEW,
                f"Plan review (every {days} days at {level.lower()} risk)",
                since + dt.timedelta(days=days),
                False,
                casework,
            )
        )
    visit_days = due.standard("VISIT")
    seen = row["last_seen"]
    items.append(
        WorkItem(
            VISIT,
            f"Visit: last seen {seen:%-d %B %Y}" if seen else "Visit: not seen since the episode opened",
            (seen or ep.open_date) + dt.timedelta(days=visit_days),
            False,
            reverse("contact:child", args=[ep.person_id]),
        )
    )
    summary = row["last_summary"]
    max_age = settings.CSHUB_SUMMARY_MAX_AGE_DAYS
    items.append(
        WorkItem(
            SUMMARY,
            f"Case summary review (every {max_age} days)" if summary else "Case summary: none written yet",
            (timezone.localtime(summary).date() if summary else ep.open_date) + dt.timedelta(days=max_age),
            False,
            child,
        )
    )
    return [WorkItem(i.kind, i.what, i.due_date, i.due_date < today, i.link, ep.person) for i in items]


def _soon(items: list[WorkItem], today: dt.date) -> list[WorkItem]:
    horizon = today + dt.timedelta(days=SOON_DAYS)
    return sorted((i for i in items if i.due_date <= horizon), key=lambda i: (i.due_date, i.kind))


@dataclass
class PractitionerWork:
    missing_now: list[MissingEpisode]
    children: list[WorkItem]
    actions: list[WorkItem]
    returned: list[tuple[Episode, AuditEvent]]

    @property
    def people(self) -> list[int]:
        return (
            [m.person_id for m in self.missing_now]
            + [i.person.pk for i in self.children if i.person]
            + [e.person_id for e, _ in self.returned]
        )


def practitioner_work(user: User, today: dt.date) -> PractitionerWork:
    """Due and overdue work on the children allocated to `user`, their own open actions,
    and closures a manager returned to them with the reason."""
    mine = Episode.objects.visible_to(user).open().filter(allocated_worker=user)
    children: list[WorkItem] = []
    for ep in _with_due_dates(mine):
        children += _episode_items(ep, today)
    actions = [
        WorkItem(ACTION, t.description, t.due_date, t.due_date < today, reverse("tasks:detail", args=[t.pk]))
        for t in Task.objects.visible_to(user)
        .open()
        .filter(owner=user, due_date__lte=today + dt.timedelta(days=SOON_DAYS))
        .only("description", "due_date")
    ]
    waiting = {
        ep.pk: ep
        for ep in without_long_text(
            mine.filter(closure_requested_at__isnull=True).select_related("person"), "person"
        )
    }
    missing_now = list(
        without_long_text(
            MissingEpisode.objects.missing_now(today)
            .filter(person__in=mine.values("person"))
            .select_related("person"),
            "person",
        ).order_by("reported_at", "id")
    )
    return PractitionerWork(
        missing_now, _soon(children, today), _soon(actions, today), _returned_closures(waiting)
    )


def _returned_closures(waiting: dict[int, Episode]) -> list[tuple[Episode, AuditEvent]]:
    """Of these open episodes with no closure waiting, those whose closure a manager returned,
    with the manager's word, while that return is still the last word on it: the closure
    recorded again (or authorised) since, or the episode closed or re-opened since by an
    import (which changes its close date), supersedes it for good. Two queries."""
    latest: dict[int, AuditEvent] = {}
    events = AuditEvent.objects.filter(
        object_type=Episode._meta.label_lower,
        object_id__in=[str(pk) for pk in waiting],
        detail__closure__isnull=False,
    ).order_by("at", "id")
    for event in events.select_related("actor"):
        latest[int(event.object_id)] = event  # the latest wins
    returned = {pk: e for pk, e in latest.items() if (e.detail or {}).get("closure") == "returned"}
    if returned:
        imports = AuditEvent.objects.filter(
            action=Action.IMPORT,
            child_id__in=[waiting[pk].person_id for pk in returned],
            at__gte=min(e.at for e in returned.values()),
        ).only("child_id", "at", "detail")
        for imported in imports:
            changed = (imported.detail or {}).get("changed", {}).get(Episode._meta.label_lower, {})
            for pk, event in list(returned.items()):
                if imported.at >= event.at and "close_date" in changed.get(str(pk), ()):
                    del returned[pk]
    return [(waiting[pk], event) for pk, event in returned.items()]


@dataclass
class MissingWork:
    interviews: list[QueueItem]
    overdue: int
    held: int

    @property
    def people(self) -> list[int]:
        return [i.episode.person_id for i in self.interviews]


def missing_work(user: User, now: dt.datetime) -> MissingWork:
    """Children waiting for a return interview (least time left first) and police reports
    waiting to be matched (a count: their details stay on their own page)."""
    queue = interview_queue(user, now=now)
    return MissingWork(queue[:20], sum(1 for i in queue if i.overdue), HeldReport.objects.waiting().count())


@dataclass
class WorkerOverdue:
    name: str
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def columns(self) -> list[int]:
        return [self.counts[k] for k in KINDS]

    @property
    def summary(self) -> str:
        """ "2 assessments, 1 visit" (overdue, by kind)."""
        return ", ".join(f"{n} {_PLURAL[k] if n != 1 else k.lower()}" for k in KINDS if (n := self.counts[k]))

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class ManagerWork:
    interviews: list[ReturnInterview]
    interviews_waiting: int
    team: list[WorkerOverdue]

    @property
    def people(self) -> list[int]:
        return [i.missing_episode.person_id for i in self.interviews]


def interviews_to_review(user: User, now: dt.datetime) -> "list[ReturnInterview]":
    return list(
        without_long_text(
            ReturnInterview.objects.filter(
                visible_q(user, prefix="missing_episode__person__"),
                outcome="COMPLETED",
                reviewed_at__isnull=True,
                completed_at__gte=now - dt.timedelta(days=settings.CSHUB_RHI_QUEUE_DAYS * 2),
            )
            .select_related("missing_episode__person")
            .order_by("completed_at"),
            "missing_episode",
            "missing_episode__person",
        )
    )


def manager_work(user: User, now: dt.datetime) -> ManagerWork:
    """Interviews waiting for review, and the team's overdue work counted per worker (no
    child is named: the team caseload shows which)."""
    today = timezone.localdate(now)
    waiting = interviews_to_review(user, now)
    by_worker: dict[str, WorkerOverdue] = defaultdict(lambda: WorkerOverdue("Not allocated"))
    for ep in _with_due_dates(Episode.objects.visible_to(user).open()):
        overdue = [i for i in _episode_items(ep, today) if i.overdue]
        if overdue:
            worker = ep.allocated_worker
            row = by_worker[f"user {worker.pk}" if worker else ""]
            if worker is not None:
                row.name = worker.get_full_name() or worker.username
            row.counts.update(i.kind for i in overdue)
    owners = Task.objects.visible_to(user).overdue(today)
    for task in owners.values(
        "owner_id", "owner__first_name", "owner__last_name", "owner__username", "owner_name"
    ):
        if task["owner_id"] is not None:
            row = by_worker[f"user {task['owner_id']}"]
            full = f"{task['owner__first_name']} {task['owner__last_name']}".strip()
            row.name = full or task["owner__username"]
        else:
            row = by_worker[f"name {task['owner_name']}"]
            row.name = task["owner_name"]
        row.counts[ACTION] += 1
    team = sorted(by_worker.values(), key=lambda w: (-w.total, w.name))
    return ManagerWork(waiting[:10], len(waiting), team)
