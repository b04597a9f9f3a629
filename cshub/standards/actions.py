"""The one write path of the practice standards (part A, docs/practice-standards.md).

A change is a new version of one standard, in force from a day. It may take effect today,
on a later day, or on an earlier day of the current month (a change agreed at the start of
the month and recorded a few days late), never before: figures for months already ended
may have gone to the committee, and must not change under its feet."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.core import locks
from cshub.core.dates import format_date, local_today, plausible_event
from cshub.core.limits import field_limit, too_long
from cshub.standards import standards
from cshub.standards.models import PracticeStandard
from cshub.standards.wording import days_text

# The longest a standard may be: a year (and a leap day). More is a slip of the keyboard.
MOST_DAYS = 366


def lock_key(code: str) -> str:
    return f"standards:{code}"


def earliest_start(today: dt.date | None = None) -> dt.date:
    """The earliest day a change may take effect from: the first of the current month."""
    return (today or local_today()).replace(day=1)


def check(code: str, days: int | None, effective_from: dt.date | None, reason: str) -> dict[str, str]:
    """Field name → message for a change that cannot be made (the form's checks, and the
    action's before it writes); the change identical to the standard in force is checked
    by `set_standard` under its lock."""
    errors: dict[str, str] = {}
    if code not in standards.CODES:
        errors["code"] = "Choose a practice standard"
    if days is None:
        errors["days"] = "Enter the number of days"
    elif days < 1:
        errors["days"] = "The number of days must be 1 or more"
    elif days > MOST_DAYS:
        errors["days"] = f"The number of days must be {MOST_DAYS} or fewer"
    earliest = earliest_start()
    if effective_from is None:
        errors["effective_from"] = "Enter the date the standard applies from"
    elif effective_from < earliest:
        errors["effective_from"] = (
            f"The date the standard applies from must be {format_date(earliest)} or later: "
            "figures for earlier months may already have been reported"
        )
    elif problem := plausible_event(effective_from, "date the standard applies from", future=True):
        errors["effective_from"] = problem
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "Enter why the standard is changing"
    elif len(reason) > field_limit(PracticeStandard, "reason"):
        errors["reason"] = too_long("The reason", field_limit(PracticeStandard, "reason"))
    return errors


def set_standard(
    code: str, days: int, effective_from: dt.date, reason: str, *, actor: User
) -> PracticeStandard:
    """A new version of one standard, in force from `effective_from` (today or later, or
    earlier in the current month). Requires Perm.SET_STANDARDS; atomic; the version number
    is the code's next under a lock (two changes at once make versions n+1 and n+2, never
    two n+1); writes its audit event (old and new days, from when, why); ValidationError
    with field names for bad input (unknown code, days < 1 or over a year, a date before
    this month, no reason, no change from the standard in force that day), nothing changed."""
    if not actor.has(Perm.SET_STANDARDS):
        raise PermissionDenied(f"missing permission {Perm.SET_STANDARDS}")
    errors = check(code, days, effective_from, reason)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locks.hold(lock_key(code))
        old_days = standards.standard(code, effective_from)
        if old_days == days:
            raise ValidationError(
                {
                    "days": f"The standard from {format_date(effective_from)} is already {days_text(days)}: "
                    "enter a different number of days or date"
                }
            )
        latest = PracticeStandard.objects.filter(code=code).aggregate(n=Max("version"))["n"] or 0
        row = PracticeStandard.objects.create(
            code=code,
            version=latest + 1,
            days=days,
            effective_from=effective_from,
            reason=reason.strip(),
            set_by=actor,
        )
        record_event(
            actor,
            Action.UPDATE,
            row,
            reason=row.reason,
            detail={
                "standard": code,
                "version": row.version,
                "old_days": old_days,
                "new_days": days,
                "effective_from": effective_from.isoformat(),
            },
        )
    return row
