"""The training rules (docs/workforce.md), in one place: who needs which course (the training
needs analysis), and the status of each (person, required course) pair on a day. Every rule
is a database expression, so a person's page, the team pages and the figure
(`assurance.metrics.workforce`) read the same rule.

- **Staff**: active accounts holding at least one role. An account that is switched off is
  nobody's gap and in nobody's share.
- **Required**: an active course with a requirement whose role is one of the person's roles
  (blank: every role) and whose agency is the person's (blank: every agency).
- **Status on a day**, from the records not withdrawn and completed on or before the day:
  UP_TO_DATE when one covers the day (no expiry, or it expires after the day: a record
  that expires on a day is out of date on that day, as `expires_on` defaults to the
  anniversary of completion, when the course is due again); EXPIRING when the covering
  records all expire within 60 days after the day (still up to date); EXPIRED when there
  are records but none covers the day; NEVER when there is none.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.workforce.models import Course, CourseRequirement, Team, TrainingRecord

EXPIRING_WITHIN_DAYS = 60


class Status(models.TextChoices):
    NEVER = "NEVER", "Never done"
    EXPIRED = "EXPIRED", "Expired"
    EXPIRING = "EXPIRING", "Expiring soon"
    UP_TO_DATE = "UP_TO_DATE", "Up to date"


# Gaps first (the order a person's list is shown in).
ORDER = [Status.NEVER, Status.EXPIRED, Status.EXPIRING, Status.UP_TO_DATE]
UP_TO_DATE = frozenset({Status.UP_TO_DATE, Status.EXPIRING})


def staff() -> "QuerySet[User]":
    """Active accounts holding at least one role."""
    return User.objects.filter(is_active=True).filter(
        Exists(User.roles.through.objects.filter(user_id=OuterRef("pk")))
    )


def _holds_role(code: str) -> Exists:
    return Exists(User.roles.through.objects.filter(user_id=OuterRef("pk"), role__code=code))


def needs_q(requirements: Iterable[CourseRequirement]) -> Q:
    """A condition on users: matched by any of these requirements (of one course)."""
    found = Q(pk__in=[])
    for r in requirements:
        parts = ([Q(_holds_role(r.role))] if r.role else []) + ([Q(agency=r.agency)] if r.agency else [])
        if not parts:
            return Q(pk__isnull=False)  # every role in every agency (an empty Q() would vanish in |)
        q = parts[0]
        for part in parts[1:]:
            q &= part
        found |= q
    return found


Ref = int | OuterRef


def _records(day: dt.date, course: Ref, user: Ref) -> "QuerySet[TrainingRecord]":
    """The person's current records of the course completed on or before the day."""
    return TrainingRecord.objects.current().filter(
        Q(user_id=user), Q(course_id=course), completed_on__lte=day
    )


def _covering(day: dt.date, course: Ref, user: Ref) -> "QuerySet[TrainingRecord]":
    """Those that cover the day: no expiry, or expiring after it."""
    return _records(day, course, user).filter(Q(expires_on__isnull=True) | Q(expires_on__gt=day))


def _after_window(day: dt.date, course: Ref, user: Ref) -> "QuerySet[TrainingRecord]":
    """Those still up to date 60 days after the day."""
    beyond = day + dt.timedelta(days=EXPIRING_WITHIN_DAYS)
    return _records(day, course, user).filter(Q(expires_on__isnull=True) | Q(expires_on__gt=beyond))


def status_of(up_to_date: bool, beyond_window: bool, ever: bool) -> Status:
    if up_to_date:
        return Status.UP_TO_DATE if beyond_window else Status.EXPIRING
    return Status.EXPIRED if ever else Status.NEVER


def annotate_status(users: "QuerySet[User]", course_id: int, day: dt.date) -> "QuerySet[User]":
    """Users with `up_to_date`, `beyond_window` and `ever` for one course on a day."""
    me = OuterRef("pk")
    return users.annotate(
        up_to_date=Exists(_covering(day, course_id, me)),
        beyond_window=Exists(_after_window(day, course_id, me)),
        ever=Exists(_records(day, course_id, me)),
    )


@dataclass(frozen=True)
class CourseStatus:
    course: Course
    status: Status
    completed_on: dt.date | None  # of the last record completed on or before the day
    expires_on: dt.date | None  # of that record

    @property
    def is_gap(self) -> bool:
        return self.status not in UP_TO_DATE


def requirements_by_course() -> dict[int, list[CourseRequirement]]:
    found: dict[int, list[CourseRequirement]] = defaultdict(list)
    for r in CourseRequirement.objects.filter(course__active=True):
        found[r.course_id].append(r)
    return found


def required_courses(user: User, day: dt.date) -> list[CourseStatus]:
    """Each course the person needs, with its status on the day: gaps first."""
    if not user.is_active:
        return []
    codes = set(user.roles.values_list("code", flat=True))
    if not codes:
        return []
    needed = Q(role__in=codes) | Q(role="")
    matching = CourseRequirement.objects.filter(
        needed, Q(agency=user.agency) | Q(agency=""), course=OuterRef("pk")
    )
    course = OuterRef("pk")
    last = _records(day, course, user.pk).order_by("-completed_on", "-id")
    best = _covering(day, course, user.pk).order_by(F("expires_on").desc(nulls_first=True))
    rows = (
        Course.objects.filter(active=True)
        .filter(Exists(matching))
        .annotate(
            up_to_date=Exists(_covering(day, course, user.pk)),
            beyond_window=Exists(_after_window(day, course, user.pk)),
            ever=Exists(_records(day, course, user.pk)),
            last_completed=Subquery(last.values("completed_on")[:1]),
            last_expires=Subquery(last.values("expires_on")[:1]),
            best_expires=Subquery(best.values("expires_on")[:1]),
        )
    )
    found = []
    for c in rows:
        status = status_of(c.up_to_date, c.beyond_window, c.ever)
        expires = c.best_expires if status in UP_TO_DATE else c.last_expires
        found.append(CourseStatus(c, status, c.last_completed, expires))
    return sorted(found, key=lambda s: (ORDER.index(s.status), s.course.name))


@dataclass
class Share:
    """Of (person, required course) pairs, how many are up to date."""

    up_to_date: int = 0
    pairs: int = 0
    statuses: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Status.values, 0))


@dataclass
class Shares:
    total: Share = field(default_factory=Share)
    by_team: dict[int | None, Share] = field(default_factory=lambda: defaultdict(Share))
    by_agency: dict[str, Share] = field(default_factory=lambda: defaultdict(Share))
    by_course: dict[int, Share] = field(default_factory=lambda: defaultdict(Share))


def shares(day: dt.date, people: "QuerySet[User] | None" = None) -> Shares:
    """The (person, required course) pairs on a day, counted in the database one query per
    course, grouped by team and agency (team None: people in no team)."""
    people = staff() if people is None else people
    found = Shares()
    for course_id, reqs in requirements_by_course().items():
        rows = (
            annotate_status(people.filter(needs_q(reqs)), course_id, day)
            .values("membership__team_id", "agency")
            .annotate(
                pairs=Count("pk"),
                up=Count("pk", filter=Q(up_to_date=True)),
                expiring=Count("pk", filter=Q(up_to_date=True, beyond_window=False)),
                expired=Count("pk", filter=Q(up_to_date=False, ever=True)),
                never=Count("pk", filter=Q(ever=False)),
            )
            .order_by()
        )
        for row in rows:
            counts = {
                Status.UP_TO_DATE: row["up"] - row["expiring"],
                Status.EXPIRING: row["expiring"],
                Status.EXPIRED: row["expired"],
                Status.NEVER: row["never"],
            }
            for share in (
                found.total,
                found.by_team[row["membership__team_id"]],
                found.by_agency[row["agency"]],
                found.by_course[course_id],
            ):
                share.pairs += row["pairs"]
                share.up_to_date += row["up"]
                for status, n in counts.items():
                    share.statuses[status] += n
    return found


def may_see(viewer: User, person: User) -> bool:
    """Who sees a person's training: themselves, holders of MANAGE_WORKFORCE, and the
    manager of the person's team when they hold VIEW_TEAM_CASELOAD (read only)."""
    if viewer.pk == person.pk or viewer.has(Perm.MANAGE_WORKFORCE):
        return True
    return (
        viewer.has(Perm.VIEW_TEAM_CASELOAD)
        and Team.objects.filter(manager=viewer, memberships__user=person).exists()
    )


def managed_team(viewer: User, team: Team) -> bool:
    """May see the names in a team's drill-down."""
    return viewer.has(Perm.MANAGE_WORKFORCE) or (
        viewer.has(Perm.VIEW_TEAM_CASELOAD) and team.manager_id == viewer.pk
    )


def statuses_for(people: Iterable[User], day: dt.date) -> dict[int, list[CourseStatus]]:
    """Each person's required courses and their status (no dates), for a page of people:
    one query per course whatever the number of people."""
    ids = [p.pk for p in people if p.is_active]
    found: dict[int, list[CourseStatus]] = {pk: [] for pk in ids}
    courses = {c.pk: c for c in Course.objects.filter(active=True)}
    for course_id, reqs in requirements_by_course().items():
        # Rows carrying the rule's annotations (which the model's type does not know).
        rows: Any = annotate_status(staff().filter(pk__in=ids).filter(needs_q(reqs)), course_id, day).only(
            "pk"
        )
        for row in rows:
            status = status_of(row.up_to_date, row.beyond_window, row.ever)
            found[row.pk].append(CourseStatus(courses[course_id], status, None, None))
    for items in found.values():
        items.sort(key=lambda s: (ORDER.index(s.status), s.course.name))
    return found
