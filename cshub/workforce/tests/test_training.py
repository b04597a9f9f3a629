"""The status rule on a day (workforce.training) and the share in the engine."""

import datetime as dt

import pytest

from cshub.access.actions import create_user
from cshub.access.models import User
from cshub.assurance.metrics import Percent, Period, compute
from cshub.assurance.metrics import workforce as workforce_metrics
from cshub.assurance.metrics.publication import publish
from cshub.workforce import actions
from cshub.workforce.models import Course
from cshub.workforce.tests.conftest import record
from cshub.workforce.training import Status, required_courses, shares, statuses_for

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 6, 1)


def status(person: User, course: Course, day: dt.date = DAY) -> Status | None:
    found = [s.status for s in required_courses(person, day) if s.course == course]
    return found[0] if found else None


def test_never_done_then_up_to_date_on_the_day_completed(
    personas: dict[str, User], manager: User, course: Course
) -> None:
    worker = personas["practitioner"]
    assert status(worker, course) == Status.NEVER
    record(worker, course, DAY, manager)
    assert status(worker, course, DAY - dt.timedelta(days=1)) == Status.NEVER  # not yet done then
    assert status(worker, course, DAY) == Status.UP_TO_DATE


def test_expiry_boundaries(personas: dict[str, User], manager: User, course: Course) -> None:
    """Expires on the anniversary: up to date the day before, expired on the day; expiring
    from 60 days before."""
    worker = personas["practitioner"]
    r = record(worker, course, DAY, manager)
    assert r.expires_on == dt.date(2027, 6, 1)
    assert status(worker, course, dt.date(2027, 4, 1)) == Status.UP_TO_DATE  # 61 days before
    assert status(worker, course, dt.date(2027, 4, 2)) == Status.EXPIRING  # 60 days before
    assert status(worker, course, dt.date(2027, 5, 31)) == Status.EXPIRING
    assert status(worker, course, dt.date(2027, 6, 1)) == Status.EXPIRED


def test_the_latest_covering_record_counts(personas: dict[str, User], manager: User, course: Course) -> None:
    worker = personas["practitioner"]
    record(worker, course, dt.date(2025, 1, 10), manager)
    record(worker, course, dt.date(2026, 1, 10), manager)
    found = next(s for s in required_courses(worker, dt.date(2026, 2, 1)) if s.course == course)
    assert found.status == Status.UP_TO_DATE
    assert (found.completed_on, found.expires_on) == (dt.date(2026, 1, 10), dt.date(2027, 1, 10))


def test_withdrawn_records_do_not_count(personas: dict[str, User], manager: User, course: Course) -> None:
    worker = personas["practitioner"]
    r = record(worker, course, DAY, manager)
    actions.withdraw_record(r, "Entered for the wrong person.", actor=manager)
    assert status(worker, course) == Status.NEVER
    r.refresh_from_db()
    assert r.withdrawn_by == manager and r.withdrawn_reason == "Entered for the wrong person."


def test_a_course_that_does_not_expire(personas: dict[str, User], manager: User) -> None:
    c = actions.create_course("Language that does not blame children", actor=manager)
    actions.add_requirement(c, reason="Everyone writes about children.", actor=manager)
    worker = personas["practitioner"]
    record(worker, c, dt.date(2020, 1, 1), manager)
    assert status(worker, c, dt.date(2030, 1, 1)) == Status.UP_TO_DATE


def test_who_needs_a_course(personas: dict[str, User], manager: User) -> None:
    """Blank role: every role; blank agency: every agency; a role in an agency: only there."""
    every = actions.create_course("Safeguarding level 3", valid_months=36, actor=manager)
    actions.add_requirement(every, reason="Statutory guidance.", actor=manager)
    missing_only = actions.create_course("Return interviews", valid_months=24, actor=manager)
    actions.add_requirement(
        missing_only, agency="MISSING_SERVICE", reason="They do the interviews.", actor=manager
    )
    police_practitioners = actions.create_course("Trafficking and the NRM", valid_months=24, actor=manager)
    actions.add_requirement(
        police_practitioners, role="practitioner", agency="POLICE", reason="First responders.", actor=manager
    )
    for role, person in personas.items():
        assert status(person, every) == Status.NEVER, role
    assert status(personas["missing_worker"], missing_only) == Status.NEVER
    assert status(personas["practitioner"], missing_only) is None
    assert status(personas["practitioner"], police_practitioners) is None  # social care
    officer = create_user("officer", agency="POLICE", roles=["practitioner"], actor=None)
    assert status(officer, police_practitioners) == Status.NEVER
    nobody = create_user("no.roles", agency="POLICE", roles=[], actor=None)
    assert required_courses(nobody, DAY) == []


def test_an_inactive_course_is_not_required(personas: dict[str, User], manager: User, course: Course) -> None:
    actions.set_course_active(course, False, actor=manager)
    assert status(personas["practitioner"], course) is None


def test_the_share_counts_active_people_and_their_required_courses(
    personas: dict[str, User], manager: User, course: Course
) -> None:
    every = actions.create_course("Safeguarding level 3", valid_months=36, actor=manager)
    actions.add_requirement(every, reason="Statutory guidance.", actor=manager)
    # A second requirement matching the practitioner for the same course is one pair, not two.
    actions.add_requirement(every, role="practitioner", reason="Again, for practitioners.", actor=manager)
    team = actions.create_team("Complex safeguarding social work", "SOCIAL_CARE", actor=manager)
    worker = personas["practitioner"]
    actions.place_member(worker, team, actor=manager)
    actions.place_member(manager, team, actor=manager)
    record(worker, course, DAY, manager)
    record(worker, every, DAY - dt.timedelta(days=4 * 365), manager)  # expired
    record(manager, every, DAY - dt.timedelta(days=30), manager)
    gone = create_user("gone", agency="SOCIAL_CARE", roles=["practitioner"], actor=None)
    gone.is_active = False
    gone.save()
    found = shares(DAY)
    # Pairs: 6 personas x safeguarding + the practitioner's county lines = 7; the inactive
    # account is not counted. Up to date: practitioner's county lines, manager's level 3.
    assert (found.total.up_to_date, found.total.pairs) == (2, 7)
    assert (found.by_team[team.pk].up_to_date, found.by_team[team.pk].pairs) == (2, 3)
    assert (found.by_team[None].up_to_date, found.by_team[None].pairs) == (0, 4)
    assert (found.by_agency["MISSING_SERVICE"].up_to_date, found.by_agency["MISSING_SERVICE"].pairs) == (0, 1)
    assert found.total.statuses == {"UP_TO_DATE": 2, "EXPIRING": 0, "EXPIRED": 1, "NEVER": 4}

    figures = workforce_metrics.compute(Period(dt.date(2026, 4, 1), DAY))
    assert figures["training.up_to_date"] == Percent(2, 7)
    assert figures[f"training.up_to_date.by_team.{team.pk}"] == Percent(2, 3)
    assert figures["training.up_to_date.by_agency.SOCIAL_CARE"] == Percent(2, 6)
    assert figures["training.up_to_date.by_agency.POLICE"] == Percent(0, 0)
    assert not any("by_worker" in name or "by_person" in name for name in figures)


def test_the_figure_is_in_the_engine_and_teams_are_never_published(
    personas: dict[str, User], manager: User, course: Course
) -> None:
    team = actions.create_team("Health", "HEALTH", actor=manager)
    figures = compute(Period(dt.date(2026, 4, 1), DAY))
    assert "training.up_to_date" in figures
    assert f"training.up_to_date.by_team.{team.pk}" in figures
    published = publish(figures)
    assert "training.up_to_date" in published
    assert not any(name.startswith("training.up_to_date.by_team.") for name in published)


def test_a_page_of_people_has_the_same_statuses_as_each_person(
    personas: dict[str, User], manager: User, course: Course
) -> None:
    every = actions.create_course("Safeguarding level 3", valid_months=36, actor=manager)
    actions.add_requirement(every, reason="Statutory guidance.", actor=manager)
    record(personas["practitioner"], course, DAY - dt.timedelta(days=340), manager)  # expiring
    record(personas["analyst"], every, DAY - dt.timedelta(days=4 * 365), manager)  # expired
    people = list(personas.values())
    together = statuses_for(people, DAY)
    for person in people:
        alone = [(s.course.pk, s.status) for s in required_courses(person, DAY)]
        assert [(s.course.pk, s.status) for s in together[person.pk]] == alone, person.username
    assert together[personas["practitioner"].pk][0].status == Status.NEVER
    assert Status.EXPIRING in {s.status for s in together[personas["practitioner"].pk]}
