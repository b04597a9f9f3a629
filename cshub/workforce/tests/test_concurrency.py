"""Forms sent several times at once to a live server (PostgreSQL in CI runs them side by
side): one training record per person, one requirement, one membership, and no 5xx."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from cshub.access.models import User
from cshub.tests.test_concurrency import AT_ONCE, at_once, no_server_errors, signed_in
from cshub.workforce import actions
from cshub.workforce.models import Course, CourseRequirement, Membership, Team, TrainingRecord

pytestmark = pytest.mark.usefixtures("live_db")


def test_a_session_recorded_at_once_is_one_record_each(live_server: Any, personas: dict[str, User]) -> None:
    manager = personas["team_manager"]
    course = actions.create_course("County lines and CCE", valid_months=12, actor=manager)
    session = signed_in(live_server, manager)
    people = [personas["practitioner"].pk, personas["missing_worker"].pk]
    form = {
        "course": course.pk,
        "completed_on_day": "3",
        "completed_on_month": "2",
        "completed_on_year": "2026",
        "people": people,
    }
    statuses = at_once([lambda: session.send("POST", "/workforce/training/record/", form=form)] * AT_ONCE)
    no_server_errors(statuses)
    assert TrainingRecord.objects.filter(course=course).count() == 2


def test_a_requirement_and_a_membership_added_at_once_are_one(
    live_server: Any, personas: dict[str, User]
) -> None:
    manager = personas["team_manager"]
    course = actions.create_course("Trafficking and the NRM", valid_months=24, actor=manager)
    team = actions.create_team("Police exploitation team", "POLICE", actor=manager)
    session = signed_in(live_server, manager)
    requirement = {"course": course.pk, "role": "practitioner", "agency": "", "reason": "First responders."}
    member = {"user": personas["practitioner"].pk}
    statuses = at_once(
        [lambda: session.send("POST", "/workforce/training-needs/", form=requirement)] * (AT_ONCE // 2)
        + [lambda: session.send("POST", f"/workforce/teams/{team.pk}/", form=member)] * (AT_ONCE // 2)
    )
    no_server_errors(statuses)
    assert CourseRequirement.objects.filter(course=course).count() == 1
    assert Membership.objects.filter(user=personas["practitioner"]).count() == 1


def test_a_team_and_a_course_created_at_once_are_one_each(
    live_server: Any, personas: dict[str, User]
) -> None:
    session = signed_in(live_server, personas["team_manager"])
    team = {"name": "Missing from home service", "agency": "MISSING_SERVICE", "description": ""}
    course = {"name": "Return home interviews", "provider": "", "valid_months": "24", "description": ""}
    statuses = at_once(
        [lambda: session.send("POST", "/workforce/teams/new/", form=team)] * (AT_ONCE // 2)
        + [lambda: session.send("POST", "/workforce/courses/new/", form=course)] * (AT_ONCE // 2)
    )
    no_server_errors(statuses)
    assert Team.objects.filter(name__iexact="Missing from home service").count() == 1
    assert Course.objects.filter(name__iexact="Return home interviews").count() == 1


def test_two_records_moved_onto_one_day_at_once_leave_one_there(
    live_server: Any, personas: dict[str, User]
) -> None:
    """Two corrections at once (one manager per record) that would both put the course on the
    same day: one is saved, the other is refused with its reason, never two current records."""
    manager, worker = personas["team_manager"], personas["practitioner"]
    course = actions.create_course("Online grooming", valid_months=12, actor=manager)
    first, second = (
        actions.record_training([worker], course, day, actor=manager)[0]
        for day in (dt.date(2026, 2, 3), dt.date(2026, 2, 10))
    )
    moved = {"completed_on_day": "17", "completed_on_month": "2", "completed_on_year": "2026"}
    session = signed_in(live_server, manager)

    def correct(record: TrainingRecord) -> Callable[[], Any]:
        return lambda: session.send("POST", f"/workforce/records/{record.pk}/edit/", form=moved)

    statuses = at_once([correct(first), correct(second)])
    no_server_errors(statuses)
    days = list(
        TrainingRecord.objects.current()
        .filter(user=worker, course=course)
        .values_list("completed_on", flat=True)
    )
    assert sorted(days).count(dt.date(2026, 2, 17)) == 1 and len(days) == 2
