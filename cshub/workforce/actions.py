"""The one write path of teams and training (docs/workforce.md): every function atomic,
checking the actor's Perm.MANAGE_WORKFORCE, writing its audit event, raising
ValidationError with field names for bad input (nothing changed).

Two submissions of one form at once must not make two records: recording training takes
an advisory lock per (person, course) (`core.locks.hold`; SQLite's write transactions run
one at a time already) and a record of the same course completed on the same day by the
same person, not withdrawn, is the one already there (returned, not duplicated). Team
changes lock the team's row, so a team is never switched off while someone joins it."""

import calendar
import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cshub.access.models import User
from cshub.access.permissions import Perm, RoleCode
from cshub.audit.changes import change_detail, snapshot
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.core import locks
from cshub.core.codes import Agency
from cshub.core.dates import check_dates, plausible_event
from cshub.workforce.models import Course, CourseRequirement, Membership, Team, TrainingRecord

TEAM_FIELDS = ("name", "agency", "description", "manager", "active")
COURSE_FIELDS = ("name", "description", "provider", "valid_months", "active")
RECORD_FIELDS = ("completed_on", "provider", "expires_on", "note")
VALID_MONTHS_MAX = 120


def require(user: User, perm: Perm) -> None:
    if not user.has(perm):
        raise PermissionDenied(f"missing permission {perm}")


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it has fewer days)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _text(value: str) -> str:
    return (value or "").strip()


# Teams ---------------------------------------------------------------------------------


def _check_team(name: str, agency: str, manager: User | None, team: Team | None) -> None:
    # Names are checked and written one at a time: two teams of one name (in any case) never.
    locks.hold("workforce:team-name")
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Enter the team's name"
    elif Team.objects.filter(name__iexact=name).exclude(pk__in=[team.pk] if team else []).exists():
        errors["name"] = "There is already a team with this name"
    if agency not in Agency.values:
        errors["agency"] = "Select the team's agency"
    if manager is not None and not manager.is_active:
        errors["manager"] = "Select a manager whose account is active"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_team(
    name: str, agency: str, *, actor: User, description: str = "", manager: User | None = None
) -> Team:
    require(actor, Perm.MANAGE_WORKFORCE)
    name = _text(name)
    _check_team(name, agency, manager, None)
    team = Team.objects.create(name=name, agency=agency, description=_text(description), manager=manager)
    record_event(actor, Action.CREATE, team, detail={"team": snapshot(team, TEAM_FIELDS)})
    return team


@transaction.atomic
def change_team(
    team: Team, name: str, agency: str, *, actor: User, description: str = "", manager: User | None = None
) -> Team:
    require(actor, Perm.MANAGE_WORKFORCE)
    locks.claim(team)
    name = _text(name)
    _check_team(name, agency, manager, team)
    before = snapshot(team, TEAM_FIELDS)
    team.name, team.agency, team.description, team.manager = name, agency, _text(description), manager
    team.save()
    record_event(actor, Action.UPDATE, team, detail=change_detail(before, snapshot(team, TEAM_FIELDS)))
    return team


@transaction.atomic
def set_team_active(team: Team, active: bool, *, actor: User) -> Team:
    """Switch a team off (refused while anyone is in it) or on again."""
    require(actor, Perm.MANAGE_WORKFORCE)
    locks.claim(team)
    if not active and team.memberships.exists():
        n = team.memberships.count()
        raise ValidationError(
            {"active": f"{team.name} has {n} member{'s' if n != 1 else ''}: move or remove them first"}
        )
    before = snapshot(team, TEAM_FIELDS)
    team.active = active
    team.save(update_fields=["active"])
    record_event(actor, Action.UPDATE, team, detail=change_detail(before, snapshot(team, TEAM_FIELDS)))
    return team


@transaction.atomic
def place_member(user: User, team: Team, *, actor: User, since: dt.date | None = None) -> Membership:
    """Put a member of staff in a team, or move them to it (one team at a time)."""
    require(actor, Perm.MANAGE_WORKFORCE)
    locks.claim(team)
    locks.claim(user)
    since = since or timezone.localdate()
    errors: dict[str, str] = {}
    if not team.active:
        errors["team"] = "Select a team that is in use"
    if not user.is_active:
        errors["user"] = "Select a member of staff whose account is active"
    check_dates(errors, {"since": plausible_event(since, "date they joined the team")})
    if errors:
        raise ValidationError(errors)
    current = Membership.objects.filter(user=user).first()
    if current is not None and current.team_id == team.pk:
        return current  # already there (a form sent twice)
    before = {"team": str(current.team) if current else None}
    if current is None:
        membership = Membership.objects.create(user=user, team=team, since=since)
    else:
        current.team, current.since = team, since
        current.save(update_fields=["team", "since"])
        membership = current
    record_event(
        actor,
        Action.UPDATE if current else Action.CREATE,
        membership,
        detail=change_detail(before, {"team": str(team)}, member=user.pk, since=since.isoformat()),
    )
    return membership


@transaction.atomic
def remove_member(user: User, *, actor: User) -> None:
    require(actor, Perm.MANAGE_WORKFORCE)
    locks.claim(user)
    membership = Membership.objects.filter(user=user).select_related("team").first()
    if membership is None:
        return
    record_event(
        actor,
        Action.UPDATE,
        membership,
        detail=change_detail({"team": str(membership.team)}, {"team": None}, member=user.pk),
    )
    membership.delete()


# Courses -------------------------------------------------------------------------------


def _check_course(name: str, valid_months: int | None, course: Course | None) -> None:
    locks.hold("workforce:course-name")  # as teams' names
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Enter the course's name"
    elif Course.objects.filter(name__iexact=name).exclude(pk__in=[course.pk] if course else []).exists():
        errors["name"] = "There is already a course with this name"
    if valid_months is not None and not 1 <= valid_months <= VALID_MONTHS_MAX:
        errors["valid_months"] = (
            f"How long it stays up to date must be 1 to {VALID_MONTHS_MAX} months, or blank"
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_course(
    name: str,
    *,
    actor: User,
    description: str = "",
    provider: str = "",
    valid_months: int | None = None,
) -> Course:
    require(actor, Perm.MANAGE_WORKFORCE)
    name = _text(name)
    _check_course(name, valid_months, None)
    course = Course.objects.create(
        name=name, description=_text(description), provider=_text(provider), valid_months=valid_months
    )
    record_event(actor, Action.CREATE, course, detail={"course": snapshot(course, COURSE_FIELDS)})
    return course


@transaction.atomic
def change_course(
    course: Course,
    name: str,
    *,
    actor: User,
    description: str = "",
    provider: str = "",
    valid_months: int | None = None,
) -> Course:
    """Records already made keep their expiry: a new validity applies to records made after."""
    require(actor, Perm.MANAGE_WORKFORCE)
    locks.claim(course)
    name = _text(name)
    _check_course(name, valid_months, course)
    before = snapshot(course, COURSE_FIELDS)
    course.name, course.description, course.provider = name, _text(description), _text(provider)
    course.valid_months = valid_months
    course.save()
    record_event(actor, Action.UPDATE, course, detail=change_detail(before, snapshot(course, COURSE_FIELDS)))
    return course


@transaction.atomic
def set_course_active(course: Course, active: bool, *, actor: User) -> Course:
    """A course switched off is no longer required of anyone (its requirements stay, for
    when it is switched on again) and is not offered for new records."""
    require(actor, Perm.MANAGE_WORKFORCE)
    locks.claim(course)
    before = snapshot(course, COURSE_FIELDS)
    course.active = active
    course.save(update_fields=["active"])
    record_event(actor, Action.UPDATE, course, detail=change_detail(before, snapshot(course, COURSE_FIELDS)))
    return course


# The training needs analysis -----------------------------------------------------------


@transaction.atomic
def add_requirement(
    course: Course, *, actor: User, role: str = "", agency: str = "", reason: str = ""
) -> CourseRequirement:
    """Holders of `role` (blank: every role) in `agency` (blank: every agency) need `course`."""
    require(actor, Perm.MANAGE_WORKFORCE)
    locks.claim(course)  # one requirement added to a course at a time: no duplicate, no 500
    errors: dict[str, str] = {}
    if role and role not in RoleCode.values:
        errors["role"] = "Select a role, or every role"
    if agency and agency not in Agency.values:
        errors["agency"] = "Select an agency, or every agency"
    if not _text(reason):
        errors["reason"] = "Enter why they need this course"
    if not course.active:
        errors["course"] = "Select a course that is in use"
    if not errors and CourseRequirement.objects.filter(course=course, role=role, agency=agency).exists():
        errors["role"] = "This course is already required of this role and agency"
    if errors:
        raise ValidationError(errors)
    requirement = CourseRequirement.objects.create(
        course=course, role=role, agency=agency, reason=_text(reason)
    )
    record_event(
        actor,
        Action.CREATE,
        requirement,
        detail={"course": course.pk, "role": role, "agency": agency, "reason": requirement.reason},
    )
    return requirement


@transaction.atomic
def remove_requirement(requirement: CourseRequirement, *, actor: User) -> None:
    require(actor, Perm.MANAGE_WORKFORCE)
    locks.claim(requirement.course)  # as add_requirement: removed twice at once, audited once
    if not CourseRequirement.objects.filter(pk=requirement.pk).exists():
        return  # removed already (a form sent twice)
    record_event(
        actor,
        Action.UPDATE,
        requirement,
        detail={
            "removed": True,
            "course": requirement.course_id,
            "role": requirement.role,
            "agency": requirement.agency,
        },
    )
    requirement.delete()


# Training records ----------------------------------------------------------------------


def _check_record(
    course: Course, completed_on: dt.date | None, expires_on: dt.date | None, errors: dict[str, str]
) -> None:
    if completed_on is None:
        errors["completed_on"] = "Enter the date the course was completed"
    check_dates(errors, {"completed_on": plausible_event(completed_on, "date it was completed")})
    if completed_on is not None and expires_on is not None and expires_on <= completed_on:
        errors["expires_on"] = "The expiry date must be after the date it was completed"
    check_dates(errors, {"expires_on": plausible_event(expires_on, "expiry date", future=True)})


def default_expiry(course: Course, completed_on: dt.date) -> dt.date | None:
    return add_months(completed_on, course.valid_months) if course.valid_months else None


@transaction.atomic
def record_training(
    people: Iterable[User],
    course: Course,
    completed_on: dt.date,
    *,
    actor: User,
    provider: str = "",
    expires_on: dt.date | None = None,
    note: str = "",
) -> list[TrainingRecord]:
    """A course one or several people completed (a session a team attended). The provider
    defaults to the course's, the expiry to completion + the course's months. A person who
    already has this course recorded on this day (not withdrawn) keeps that record: a form
    sent twice makes no second one."""
    require(actor, Perm.MANAGE_WORKFORCE)
    people = sorted({p.pk: p for p in people}.values(), key=lambda p: p.pk)
    errors: dict[str, str] = {}
    if not people:
        errors["people"] = "Select who completed the course"
    elif any(not p.is_active for p in people):
        errors["people"] = "Select only members of staff whose accounts are active"
    if not course.active:
        errors["course"] = "Select a course that is in use"
    _check_record(course, completed_on, expires_on, errors)
    if errors:
        raise ValidationError(errors)
    locks.hold(*(f"workforce:training:{p.pk}:{course.pk}" for p in people))
    provider = _text(provider) or course.provider
    expires_on = expires_on or default_expiry(course, completed_on)
    records = []
    for person in people:
        existing = (
            TrainingRecord.objects.current()
            .filter(user=person, course=course, completed_on=completed_on)
            .order_by("id")
            .first()
        )
        if existing is not None:
            records.append(existing)
            continue
        record = TrainingRecord.objects.create(
            user=person,
            course=course,
            completed_on=completed_on,
            provider=provider,
            expires_on=expires_on,
            note=_text(note),
            recorded_by=actor,
        )
        record_event(
            actor,
            Action.CREATE,
            record,
            detail={"member": person.pk, "record": snapshot(record, ("course", *RECORD_FIELDS))},
        )
        records.append(record)
    return records


@transaction.atomic
def change_record(
    record: TrainingRecord,
    completed_on: dt.date,
    *,
    actor: User,
    provider: str = "",
    expires_on: dt.date | None = None,
    note: str = "",
) -> TrainingRecord:
    """Correct a record (not a withdrawn one). A blank expiry is the course's default."""
    require(actor, Perm.MANAGE_WORKFORCE)
    locks.hold(f"workforce:training:{record.user_id}:{record.course_id}")  # as record_training
    locks.claim(record)
    errors: dict[str, str] = {}
    if record.withdrawn_at is not None:
        errors["completed_on"] = "This record was withdrawn: it cannot be changed"
    _check_record(record.course, completed_on, expires_on, errors)
    if (
        not errors
        and TrainingRecord.objects.current()
        .filter(user_id=record.user_id, course_id=record.course_id, completed_on=completed_on)
        .exclude(pk=record.pk)
        .exists()
    ):
        errors["completed_on"] = (
            "This course is already recorded as completed on that day: change that record instead"
        )
    if errors:
        raise ValidationError(errors)
    before = snapshot(record, RECORD_FIELDS)
    record.completed_on = completed_on
    record.provider = _text(provider) or record.course.provider
    record.expires_on = expires_on or default_expiry(record.course, completed_on)
    record.note = _text(note)
    record.save()
    record_event(
        actor,
        Action.UPDATE,
        record,
        detail=change_detail(before, snapshot(record, RECORD_FIELDS), member=record.user_id),
    )
    return record


@transaction.atomic
def withdraw_record(record: TrainingRecord, reason: str, *, actor: User) -> TrainingRecord:
    """A record entered in error stops counting; it is kept, with who withdrew it and why."""
    require(actor, Perm.MANAGE_WORKFORCE)
    locks.claim(record)
    errors: dict[str, Any] = {}
    if not _text(reason):
        errors["reason"] = "Enter why you are withdrawing this record"
    if record.withdrawn_at is not None:
        errors["reason"] = "This record was already withdrawn"
    if errors:
        raise ValidationError(errors)
    record.withdrawn_at, record.withdrawn_by, record.withdrawn_reason = timezone.now(), actor, _text(reason)
    record.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
    record_event(
        actor,
        Action.UPDATE,
        record,
        reason=record.withdrawn_reason,
        detail={"withdrawn": True, "member": record.user_id},
    )
    return record
