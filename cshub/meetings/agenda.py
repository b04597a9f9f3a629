"""The agenda sources: one function per source, each returning the items a meeting of that
date would have from it. Read-only: `actions.build_agenda` writes them (idempotently).

Titles and reasons never name a child (names are shown from `children`, through the
access rules), and use words that never blame a child."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.db.models import Max, OuterRef, Subquery

from cshub.casework.models import Assessment, Episode, RiskLevel
from cshub.casework.risk import RANK, with_current_risk
from cshub.core.dates import LONDON, format_date, format_datetime
from cshub.meetings.models import AgendaItem, Meeting, MeetingFlag, SourceKind
from cshub.missing.actions import INTERVIEW_HOURS
from cshub.missing.models import MissingEpisode, MissingFlag, PoliceRisk
from cshub.people.models import Person
from cshub.plans.due import overdue_for_meeting
from cshub.referrals.models import Referral
from cshub.tasks.models import Task

LONGEST_WINDOW = dt.timedelta(hours=72)  # a Monday meeting covers the weekend, no more
SHORTEST_WINDOW = dt.timedelta(hours=24)


@dataclass
class Candidate:
    kind: str
    key: str
    title: str
    reason: str
    children: list[Person] = field(default_factory=list)
    police_risk: str = ""  # a missing episode's grading, for the agenda's order

    def source(self) -> dict[str, str]:
        return {"kind": self.kind, "key": self.key, "title": self.title, "reason": self.reason}


@dataclass(frozen=True)
class Window:
    """What 'since the last meeting' means for this meeting."""

    start: dt.datetime
    end: dt.datetime
    previous: Meeting | None


def previous_meeting(meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.filter(meeting_type=meeting.meeting_type, date__lt=meeting.date)
        .order_by("-date", "-id")
        .first()
    )


def window(meeting: Meeting) -> Window:
    """From the previous meeting of the type's scheduled start (at least 24 hours, at most
    72 hours back) to this meeting's scheduled start."""
    end = meeting.scheduled_start()
    previous = previous_meeting(meeting)
    start = previous.scheduled_start() if previous else end - SHORTEST_WINDOW
    start = max(min(start, end - SHORTEST_WINDOW), end - LONGEST_WINDOW)
    return Window(start, end, previous)


def item_keys(items: "models.QuerySet[AgendaItem]") -> set[tuple[str, str]]:
    """(kind, key) of every source the items stand for: their own and those grouped in."""
    found: set[tuple[str, str]] = set()
    for kind, key, sources in items.values_list("source_kind", "source_key", "sources"):
        found.add((kind, key))
        found.update((s["kind"], s["key"]) for s in sources or [])
    return found


def _earlier_keys(meeting: Meeting, kind: str, since: dt.date) -> set[str]:
    earlier = AgendaItem.objects.filter(
        meeting__meeting_type=meeting.meeting_type, meeting__date__lt=meeting.date, meeting__date__gte=since
    )
    return {key for k, key in item_keys(earlier) if k == kind}


def new_referrals(meeting: Meeting, w: Window) -> list[Candidate]:
    """Referrals received since the last meeting (a referral received on the day of the last
    meeting comes to this one unless that meeting already had it)."""
    since = w.previous.date if w.previous else w.start.astimezone(LONDON).date()
    rows = (
        Referral.objects.filter(received_date__gte=since, received_date__lte=meeting.date)
        .select_related("person")
        .order_by("received_date", "id")
    )
    seen = _earlier_keys(meeting, SourceKind.REFERRAL, since)
    found = []
    for r in rows:
        key = f"referral:{r.pk}"
        if key in seen:
            continue
        by = f" from {r.get_referrer_agency_display().lower()}" if r.referrer_agency else ""
        found.append(
            Candidate(
                SourceKind.REFERRAL,
                key,
                f"New referral: {r.get_primary_type_display().lower()}",
                f"Received {format_date(r.received_date)}{by}; {r.get_decision_display().lower()}.",
                [r.person],
            )
        )
    return found


def _flags_text(person_id: int, flags: dict[int, list[str]]) -> str:
    reasons = flags.get(person_id)
    return f" Missing triggers: {'; '.join(reasons)}." if reasons else ""


def _open_trigger_reasons(person_ids: set[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for flag in MissingFlag.objects.open().filter(person_id__in=person_ids).order_by("raised_at"):
        found.setdefault(flag.person_id, []).append(flag.reason)
    return found


def missing_episodes(meeting: Meeting, w: Window) -> list[Candidate]:
    """Each episode reported or returned in the window: one item, 'returned' when it ended
    in the window, with the police risk grading and the child's open trigger flags."""
    reported = MissingEpisode.objects.filter(reported_at__gt=w.start, reported_at__lte=w.end)
    returned = MissingEpisode.objects.filter(returned_at__gt=w.start, returned_at__lte=w.end)
    episodes = list((reported | returned).select_related("person").order_by("reported_at", "id").distinct())
    flags = _open_trigger_reasons({e.person_id for e in episodes})
    found = []
    for e in episodes:
        risk = f"police risk {e.get_police_risk_display().lower()}" if e.police_risk else "risk not graded"
        where = " from care" if e.from_care else ""
        if e.returned_at is not None and w.start < e.returned_at <= w.end:
            found.append(
                Candidate(
                    SourceKind.MISSING_RETURNED,
                    f"missing:{e.pk}",
                    f"Returned after being missing{where} ({risk})",
                    f"Reported {format_datetime(e.reported_at)}, returned {format_datetime(e.returned_at)}"
                    f"{'; found at ' + e.found_location if e.found_location else ''}."
                    + _flags_text(e.person_id, flags),
                    [e.person],
                    e.police_risk,
                )
            )
        else:
            still = "still missing" if e.returned_at is None else f"returned {format_datetime(e.returned_at)}"
            found.append(
                Candidate(
                    SourceKind.MISSING_REPORTED,
                    f"missing:{e.pk}",
                    f"Reported missing{where} ({risk})",
                    f"Reported {format_datetime(e.reported_at)}; {still}." + _flags_text(e.person_id, flags),
                    [e.person],
                    e.police_risk,
                )
            )
    return found


def interviews_overdue(meeting: Meeting, w: Window) -> list[Candidate]:
    """Children back from missing more than 72 hours before the meeting, no interview yet."""
    episodes = (
        MissingEpisode.objects.awaiting_interview()
        .filter(
            returned_at__lte=w.end - dt.timedelta(hours=INTERVIEW_HOURS),
            returned_at__gte=w.end - dt.timedelta(days=settings.CSHUB_RHI_QUEUE_DAYS),
        )
        .select_related("person")
        .order_by("returned_at")
    )
    found = []
    for e in episodes:
        assert e.returned_at is not None
        hours = int((w.end - e.returned_at).total_seconds() // 3600)
        found.append(
            Candidate(
                SourceKind.INTERVIEW_OVERDUE,
                f"rhi:{e.pk}",
                "Return interview overdue",
                f"Returned {format_datetime(e.returned_at)}: {hours} hours ago, no return interview recorded.",
                [e.person],
            )
        )
    return found


def assessments_overdue(meeting: Meeting, w: Window) -> list[Candidate]:
    return [
        Candidate(
            SourceKind.ASSESSMENT_OVERDUE,
            f"{'plan' if why.startswith('Plan') else 'assessment'}:{person.pk}",
            why.split(" (")[0],
            why + ".",
            [person],
        )
        for person, why in overdue_for_meeting(meeting.date)
    ]


def flagged_by_worker(meeting: Meeting, w: Window) -> list[Candidate]:
    flags = MeetingFlag.objects.open().filter(raised_at__lte=w.end).select_related("person", "raised_by")
    return [
        Candidate(
            SourceKind.FLAGGED,
            f"flag:{f.pk}",
            "Brought to the meeting by a worker",
            f"{f.raised_by.get_full_name()} ({f.raised_by.get_agency_display()}), "
            f"{format_datetime(f.raised_at)}: {f.reason}",
            [f.person],
        )
        for f in flags
    ]


def missing_triggers(meeting: Meeting, w: Window) -> list[Candidate]:
    """Children brought by a missing trigger. The daily meeting sees the flags raised since
    the last meeting; panels see every open flag."""
    flags = MissingFlag.objects.open().filter(raised_at__lte=w.end)
    if meeting.meeting_type.one_per_day:
        flags = flags.filter(raised_at__gt=w.start)
    by_person: dict[int, list[MissingFlag]] = {}
    for flag in flags.select_related("person").order_by("raised_at", "id"):
        by_person.setdefault(flag.person_id, []).append(flag)
    return [
        Candidate(
            SourceKind.MISSING_TRIGGER,
            f"missingflag:{fs[0].pk}",
            "Brought by a missing trigger",
            "; ".join(f.reason for f in fs) + ".",
            [fs[0].person],
        )
        for fs in by_person.values()
    ]


def overdue_actions(meeting: Meeting, w: Window) -> list[Candidate]:
    tasks = Task.objects.overdue(meeting.date).select_related("owner").prefetch_related("people")
    return [
        Candidate(
            SourceKind.OVERDUE_ACTION,
            f"task:{t.pk}",
            "Overdue action",
            f"Due {format_date(t.due_date)}, {t.owner_display} ({t.get_owner_agency_display()}): "
            f"{t.description}",
            list(t.people.all()),
        )
        for t in tasks
    ]


def open_children(meeting: Meeting, w: Window) -> list[Candidate]:
    episodes = Episode.objects.open_on(meeting.date).select_related("person", "allocated_worker")
    return [
        Candidate(
            SourceKind.OPEN_CHILD,
            f"episode:{e.pk}",
            "Open to the hub: progress of the plan",
            f"Open since {format_date(e.open_date)}; hub worker "
            f"{e.allocated_worker.get_full_name() if e.allocated_worker else 'not allocated'}.",
            [e.person],
        )
        for e in episodes.order_by("open_date", "id")
    ]


def waiting_for_allocation(meeting: Meeting, w: Window) -> list[Candidate]:
    episodes = (
        Episode.objects.open_on(meeting.date)
        .filter(allocated_worker__isnull=True)
        .select_related("person")
        .order_by("open_date", "id")
    )
    return [
        Candidate(
            SourceKind.FOR_ALLOCATION,
            f"allocation:{e.pk}",
            "Opened to the hub, waiting for a hub worker",
            f"Open since {format_date(e.open_date)}.",
            [e.person],
        )
        for e in episodes
    ]


def high_risk(meeting: Meeting, w: Window) -> list[Candidate]:
    latest = Assessment.objects.filter(episode=OuterRef("pk")).order_by("-completed_date", "-id")
    episodes = (
        Episode.objects.open_on(meeting.date)
        .annotate(level=Subquery(latest.values("risk_level")[:1]), last=Max("assessments__completed_date"))
        .filter(level="HIGH")
        .select_related("person")
    )
    return [
        Candidate(
            SourceKind.HIGH_RISK,
            f"highrisk:{e.pk}",
            "Assessed as high risk of exploitation",
            f"Latest assessment {format_date(e.last)}: high risk."  # type: ignore[attr-defined]
            if e.last  # type: ignore[attr-defined]
            else "Assessed as high risk.",
            [e.person],
        )
        for e in episodes
    ]


SOURCES: dict[str, Callable[[Meeting, Window], list[Candidate]]] = {
    SourceKind.REFERRAL: new_referrals,
    SourceKind.MISSING_REPORTED: missing_episodes,
    SourceKind.MISSING_RETURNED: missing_episodes,
    SourceKind.INTERVIEW_OVERDUE: interviews_overdue,
    SourceKind.ASSESSMENT_OVERDUE: assessments_overdue,
    SourceKind.FLAGGED: flagged_by_worker,
    SourceKind.MISSING_TRIGGER: missing_triggers,
    SourceKind.OVERDUE_ACTION: overdue_actions,
    SourceKind.OPEN_CHILD: open_children,
    SourceKind.FOR_ALLOCATION: waiting_for_allocation,
    SourceKind.HIGH_RISK: high_risk,
}


def register_source(kind: str, function: Callable[[Meeting, Window], list[Candidate]]) -> None:
    """The agenda-rule hook: a room to the right of meetings (intelligence) adds a source
    here at start-up, so meetings never imports it. A meeting uses the source when `kind`
    is among its type's `sources`."""
    SOURCES[kind] = function


STANDING = {SourceKind.INTERVIEW_OVERDUE, SourceKind.ASSESSMENT_OVERDUE, SourceKind.OVERDUE_ACTION}


def candidates(meeting: Meeting) -> list[Candidate]:
    """Every item the meeting's agenda rules give for its date, in the type's source order,
    without duplicates (one per source and source object). Standing items (overdue
    interviews, assessments and actions) come back only `repeat_after_days` after a
    meeting of the type last had them."""
    w = window(meeting)
    found: list[Candidate] = []
    keys: set[tuple[str, str]] = set()
    done: set[Callable[[Meeting, Window], list[Candidate]]] = set()
    wanted = set(meeting.meeting_type.sources)
    repeat = meeting.meeting_type.repeat_after_days
    for source in meeting.meeting_type.sources:
        function = SOURCES.get(source)
        if function is None or function in done:
            continue
        done.add(function)
        recent: dict[str, set[str]] = {}
        for c in function(meeting, w):
            if c.kind not in wanted or (c.kind, c.key) in keys:
                continue
            if repeat and c.kind in STANDING:
                if c.kind not in recent:
                    earlier = item_keys(
                        AgendaItem.objects.filter(
                            meeting__meeting_type=meeting.meeting_type,
                            meeting__date__lt=meeting.date,
                            meeting__date__gte=meeting.date - dt.timedelta(days=repeat),
                        )
                    )
                    recent[c.kind] = {key for kind, key in earlier if kind == c.kind}
                if c.key in recent[c.kind]:
                    continue
            keys.add((c.kind, c.key))
            found.append(c)
    return found


# Which of a child's reasons leads their item (its title and tag), most pressing first.
LEAD: list[str] = [
    SourceKind.MISSING_REPORTED,
    SourceKind.MISSING_RETURNED,
    SourceKind.MISSING_TRIGGER,
    SourceKind.INTERVIEW_OVERDUE,
    SourceKind.HIGH_RISK,
    SourceKind.FLAGGED,
    SourceKind.ASSESSMENT_OVERDUE,
    SourceKind.OVERDUE_ACTION,
    SourceKind.REFERRAL,
    SourceKind.FOR_ALLOCATION,
    SourceKind.OPEN_CHILD,
]
MISSING = {SourceKind.MISSING_REPORTED, SourceKind.MISSING_RETURNED}
POLICE_RANK: dict[str, int] = {PoliceRisk.HIGH: 3, PoliceRisk.MEDIUM: 2, PoliceRisk.LOW: 1}
# Kinds never grouped: intelligence alerts keep their own item (and its links).
UNGROUPED = {SourceKind.INTELLIGENCE}


@dataclass
class Group:
    """One agenda item to be: every candidate about one child (or one candidate about
    several children, or of a kind never grouped), lead first."""

    candidates: list[Candidate]
    first: int  # where its first candidate came in the sources' order
    rank: tuple[int, int, int, int] = (0, 0, 0, 0)

    @property
    def lead(self) -> Candidate:
        return self.candidates[0]

    @property
    def child_id(self) -> int | None:
        children = self.lead.children
        return children[0].pk if len(children) == 1 and self.lead.kind not in UNGROUPED else None

    def sources(self) -> list[dict[str, str]]:
        return [c.source() for c in self.candidates]


def reason_text(sources: list[dict[str, str]]) -> str:
    """An item's reason: its one source's, or each source's title and reason, one a line."""
    if len(sources) == 1:
        return sources[0]["reason"]
    return "\n".join(f"{s['title']}: {s['reason']}" for s in sources)


def _lead_order(kind: str) -> int:
    return LEAD.index(kind) if kind in LEAD else len(LEAD)


def by_child(found: list[Candidate]) -> list[Group]:
    """The candidates as items, ordered by risk: a high-risk child missing (graded high by
    police, or assessed high), then the police grading of a missing episode, then the
    child's current risk level (`casework.risk`: the last reviewed assessment), then how
    much overdue work there is; in the sources' order after that."""
    groups: list[Group] = []
    per_child: dict[int, Group] = {}
    for n, c in enumerate(found):
        one = c.children[0].pk if len(c.children) == 1 and c.kind not in UNGROUPED else None
        if one is not None and one in per_child:
            per_child[one].candidates.append(c)
            continue
        group = Group([c], n)
        groups.append(group)
        if one is not None:
            per_child[one] = group
    ids = {p.pk for c in found for p in c.children}
    levels: dict[int, int] = {
        p.pk: getattr(p, "risk_rank", 0)
        for p in with_current_risk(Person.objects.filter(pk__in=ids).only("pk"), "pk")
    }
    for g in groups:
        g.candidates.sort(key=lambda c: _lead_order(c.kind))
        level = max((levels.get(p.pk, 0) for c in g.candidates for p in c.children), default=0)
        missing = [c for c in g.candidates if c.kind in MISSING]
        police = max((POLICE_RANK.get(c.police_risk, 0) for c in missing), default=0)
        high_missing = bool(missing) and (
            police == POLICE_RANK[PoliceRisk.HIGH] or level == RANK[RiskLevel.HIGH]
        )
        overdue = sum(1 for c in g.candidates if c.kind in STANDING)
        g.rank = (int(high_missing), police, level, overdue)
    return sorted(groups, key=lambda g: (tuple(-r for r in g.rank), g.first))
