"""Records for the dip sample and allocation tests, made through the actions."""

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from cshub.access.actions import create_user
from cshub.access.models import User
from cshub.assessments import actions as assessments
from cshub.casework import actions as casework
from cshub.casework.models import Episode
from cshub.conftest import TODAY, make_child, make_referral
from cshub.missing import actions as missing
from cshub.missing.models import ReturnInterview
from cshub.referrals import actions as referrals

NAMES = itertools.cycle(
    ["Kofi", "Amara", "Leon", "Zara", "Idris", "Maya", "Tobi", "Esme", "Rhys", "Nia", "Omar", "Lila"]
)
_serial = itertools.count()


def staff(name: str, *, agency: str = "SOCIAL_CARE", role: str = "practitioner") -> User:
    first, last = name.split()
    return create_user(
        f"{first.lower()}.{last.lower()}.{next(_serial)}",
        agency=agency,
        roles=[role],
        actor=None,
        first_name=first,
        last_name=last,
        password="a-long-test-password-1",
    )


def episode(
    manager: User,
    worker: User | None,
    opened: dt.date,
    *,
    closed: dt.date | None = None,
    kind: str = "CCE",
    forename: str | None = None,
) -> Episode:
    recorder = worker or manager
    child = make_child(recorder, forename or next(NAMES), "Testchild")
    referral = make_referral(child, recorder, days_ago=(TODAY - opened).days + 2, kind=kind)
    referrals.decide_referral(referral, "OPEN", "Meets threshold.", actor=manager, decision_date=opened)
    made = casework.open_episode(referral, actor=manager, open_date=opened, allocated_worker=worker)
    if closed is not None:
        # The closure's own workflow (recorded, authorised) is casework's; here only the date.
        Episode.objects.filter(pk=made.pk).update(close_date=closed)
        made.refresh_from_db()
    return made


def assess(worker: User, made: Episode, on: dt.date, level: str) -> None:
    assessments.record_risk_assessment(
        made,
        assessments.RiskAssessment(
            completed_date=on,
            risk_level=level,
            child_view="I want to stay at home.",
            analysis="Older young people are pulling the child into their group.",
            rationale="The worker's judgement.",
        ),
        actor=worker,
    )


def interview(
    worker: User, interviewer: User | None, returned: dt.datetime, after: dt.timedelta, **extra: Any
) -> ReturnInterview:
    child = make_child(worker, next(NAMES), "Testchild")
    gone = missing.record_missing_episode(
        child,
        missing.MissingReport(reported_at=returned - dt.timedelta(hours=20), returned_at=returned),
        actor=worker,
    )
    late = after > dt.timedelta(hours=72)
    return missing.record_return_interview(
        gone,
        missing.InterviewRecord(
            outcome="COMPLETED",
            completed_at=returned + after,
            interviewer=interviewer,
            delay_reason="The child was away with family." if late else "",
            child_account="I stayed with a friend.",
        ),
        actor=worker,
    )


def at_noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
