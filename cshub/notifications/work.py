"""What is due and overdue for one person: the work their home page brings to them.

Each list is a fixed number of queries however many children are on a caseload: the
episodes carry what decides their due dates as subqueries (the last assessment and its
level, the current plan and its last review, the last visit in which the child was seen,
the last case summary), and the dates come from the same rules as the child's page
(`casework.due`, `plans.due`)."""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, OuterRef, QuerySet, Subquery, Window
from django.urls import reverse
from django.utils import timezone

from cshub.access.models import User
from cshub.audit.models import Action, AuditEvent
from cshub.casework import due
from cshub.casework.models import Assessment, CaseSummary, Episode, EpisodeQuerySet
from cshub.consultations.models import Consultation
from cshub.contact.models import Contact
from cshub.core.dates import format_date
from cshub.core.limits import without_long_text
from cshub.missing.models import HeldReport, MissingEpisode, ReturnInterview
from cshub.missing.queries import QueueItem, interview_queue
from cshub.people.models import Person, visible_q
from cshub.plans.models import ChildPlan, PlanReview
from cshub.tasks.models import Task

# Work due within this many days is shown beside what is overdue.
SOON_DAYS = 7
# A home page's list shows this many, and says how many more.
SHOWN = 25

ASSESSMENT, PLAN_REVIEW, VISIT, SUMMARY, ACTION = (
    "Assessment",
    "Plan review",
    "Visit",
    "Case summary",
    "Action",
)
KINDS = (ASSESSMENT, PLAN_REVIEW, VISIT, SUMMARY, ACTION)
_PLURAL = {k: f"{k.lower()}s" for k in KINDS} | {SUMMARY: "case summaries"}


@dataclass(frozen=True)
class WorkItem:
    kind: str
    what: str
    due_date: dt.date
    overdue: bool
    link: str
    person: Person | None = None


def _due_dates(episodes: "QuerySet[Episode]") -> "QuerySet[Episode]":
    """Episodes annotated with what decides their due dates (no related rows loaded)."""
    plan = ChildPlan.objects.filter(episode=OuterRef("pk")).order_by("-version")
    return (
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
    )


def _with_due_dates(episodes: EpisodeQuerySet) -> "QuerySet[Episode]":
    return without_long_text(_due_dates(episodes).select_related("person", "allocated_worker"), "person")


# The columns `_dues` reads from an annotated episode.
_DUE_COLUMNS = (
    "open_date",
    "last_assessed",
    "high_risk_since",
    "last_level",
    "plan_id",
    "plan_written",
    "plan_reviewed",
    "last_seen",
    "last_summary",
)


def _dues(row: Mapping[str, Any], rules: due.Standards) -> list[tuple[str, str, dt.date]]:
    """(kind, what, due date) of every due date of one annotated episode's columns, by
    `rules` (the practice standards in force today, read once for the whole list)."""
    open_date: dt.date = row["open_date"]
    assessment = due.assessment_due(open_date, row["last_assessed"], row["high_risk_since"], rules)
    dues = [(ASSESSMENT, f"{assessment.what} ({assessment.why})", assessment.due_date)]
    if row["plan_id"] is not None:
        since = row["plan_reviewed"] or timezone.localtime(row["plan_written"]).date()
        level = row["last_level"] or "MEDIUM"
        days = rules[f"PLAN_REVIEW_{level}"]
        dues.append(
            (
                PLAN_REVIEW,
                f"Plan review (every {days} days at {level.lower()} risk)",
                since + dt.timedelta(days=days),
            )
        )
    seen = row["last_seen"]
    dues.append(
        (
            VISIT,
            f"Visit: last seen {seen:%-d %B %Y}" if seen else "Visit: not seen since the episode opened",
            (seen or open_date) + dt.timedelta(days=rules["VISIT"]),
        )
    )
    summary = row["last_summary"]
    max_age = rules["SUMMARY"]
    dues.append(
        (
            SUMMARY,
            f"Case summary review (every {max_age} days)" if summary else "Case summary: none written yet",
            (timezone.localtime(summary).date() if summary else open_date) + dt.timedelta(days=max_age),
        )
    )
    return dues


_LINKS = {
    ASSESSMENT: "plans:casework",
    PLAN_REVIEW: "plans:casework",
    VISIT: "contact:child",
    SUMMARY: "casework:child",
}


@dataclass
class PractitionerWork:
    missing_now: list[MissingEpisode]
    children: list[WorkItem]
    actions: list[WorkItem]
    returned: list[tuple[Episode, AuditEvent]]
    children_more: int = 0  # due or overdue beyond the first SHOWN
    actions_more: int = 0

    @property
    def people(self) -> list[int]:
        return (
            [m.person_id for m in self.missing_now]
            + [i.person.pk for i in self.children if i.person]
            + [e.person_id for e, _ in self.returned]
        )


def practitioner_work(user: User, today: dt.date) -> PractitionerWork:
    """Due and overdue work on the children allocated to `user` (the first SHOWN, most
    overdue first, and how many more), their own open actions due by the horizon (the same),
    and closures a manager returned to them with the reason."""
    horizon = today + dt.timedelta(days=SOON_DAYS)
    mine = Episode.objects.visible_to(user).open().filter(allocated_worker=user)
    rows = list(_with_due_dates(mine))
    rules = due.in_force(today)
    due_soon = sorted(
        (
            (due_date, kind, what, ep)
            for ep in rows
            for kind, what, due_date in _dues(ep.__dict__, rules)
            if due_date <= horizon
        ),
        key=lambda d: (d[0], d[1]),
    )
    children = [
        WorkItem(kind, what, d, d < today, reverse(_LINKS[kind], args=[ep.person_id]), ep.person)
        for d, kind, what, ep in due_soon[:SHOWN]
    ]
    tasks = list(
        Task.objects.visible_to(user)
        .open()
        .filter(owner=user, due_date__lte=horizon)
        .annotate(due_count=Window(Count("pk")))
        .order_by("due_date", "id")
        .only("description", "due_date")[:SHOWN]
    )
    actions = [
        WorkItem(ACTION, t.description, t.due_date, t.due_date < today, reverse("tasks:detail", args=[t.pk]))
        for t in tasks
    ]
    waiting = {ep.pk: ep for ep in rows if ep.closure_requested_at is None}
    missing_now = list(
        without_long_text(
            MissingEpisode.objects.missing_now(today)
            .filter(person__in=mine.values("person"))
            .select_related("person"),
            "person",
        ).order_by("reported_at", "id")
    )
    return PractitionerWork(
        missing_now,
        children,
        actions,
        _returned_closures(waiting),
        children_more=len(due_soon) - len(children),
        actions_more=(tasks[0].due_count - len(tasks)) if tasks else 0,  # type: ignore[attr-defined]
    )


def _returned_closures(waiting: dict[int, Episode]) -> list[tuple[Episode, AuditEvent]]:
    """Of these open episodes with no closure waiting, those whose closure a manager returned,
    with the manager's word, while that return is still the last word on it: the closure
    recorded again (or authorised) since, or the episode closed or re-opened since by an
    import (which changes its close date), supersedes it for good. Two queries."""
    latest: dict[int, AuditEvent] = {}
    # A closure's events are updates naming the child (casework.actions): read through the
    # child's trail (index audit_child_action), not a scan of the whole audit log.
    events = AuditEvent.objects.filter(
        child_id__in={ep.person_id for ep in waiting.values()},
        action=Action.UPDATE,
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
    # Only the due dates and the worker's name: no rows of people or users, no links.
    episodes = _due_dates(Episode.objects.visible_to(user).open()).values(
        *_DUE_COLUMNS,
        "allocated_worker_id",
        "allocated_worker__first_name",
        "allocated_worker__last_name",
        "allocated_worker__username",
    )
    rules = due.in_force(today)
    for ep in episodes:
        overdue = [kind for kind, _, due_date in _dues(ep, rules) if due_date < today]
        if overdue:
            worker = ep["allocated_worker_id"]
            row = by_worker[f"user {worker}" if worker else ""]
            if worker is not None:
                full = f"{ep['allocated_worker__first_name']} {ep['allocated_worker__last_name']}".strip()
                row.name = full or ep["allocated_worker__username"]
            row.counts.update(overdue)
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


def consultation_follow_ups(user: User, today: dt.date) -> tuple[list[WorkItem], int]:
    """The consultations `user` recorded whose follow-up is due by the horizon and not yet
    recorded (the first SHOWN, earliest first, and how many more). One query."""
    rows = list(
        Consultation.objects.visible_to(user)
        .follow_up_due(today + dt.timedelta(days=SOON_DAYS))
        .filter(recorded_by=user)
        .select_related("person")
        .annotate(due_count=Window(Count("pk")))
        .order_by("follow_up_on", "id")
        .only("follow_up_on", "occurred_at", "caller_agency", "person")[:SHOWN]
    )
    items = [
        WorkItem(
            "Consultation follow-up",
            f"follow up the consultation of {format_date(c.occurred_at)} ({c.get_caller_agency_display()})",
            c.follow_up_on,
            c.follow_up_on < today,
            reverse("consultations:detail", args=[c.pk]),
            c.person,
        )
        for c in rows
        if c.follow_up_on is not None
    ]
    return items, (rows[0].due_count - len(rows)) if rows else 0  # type: ignore[attr-defined]
