"""The write path: validation with field names, permissions, audit, no duplicates."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cshub.access.actions import create_user
from cshub.access.models import User
from cshub.audit.models import AuditEvent
from cshub.core.dates import local_today
from cshub.workforce import actions
from cshub.workforce.models import Course, CourseRequirement, Membership, TrainingRecord
from cshub.workforce.tests.conftest import record

pytestmark = pytest.mark.django_db


def errors(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(exc.value.message_dict)


def test_only_holders_of_manage_workforce_write(personas: dict[str, User], course: Course) -> None:
    for role in ("practitioner", "analyst", "strategic_lead", "sysadmin", "missing_worker"):
        with pytest.raises(PermissionDenied):
            actions.create_team(f"Team of {role}", "SOCIAL_CARE", actor=personas[role])
        with pytest.raises(PermissionDenied):
            actions.record_training([personas[role]], course, dt.date(2026, 1, 5), actor=personas[role])


def test_a_record_takes_the_course_provider_and_expiry(
    personas: dict[str, User], manager: User, course: Course
) -> None:
    r = record(personas["practitioner"], course, dt.date(2024, 1, 31), manager)
    assert r.provider == "The partnership"
    assert r.expires_on == dt.date(2025, 1, 31)
    six = actions.create_course("Six months", valid_months=1, actor=manager)
    assert record(personas["practitioner"], six, dt.date(2024, 1, 31), manager).expires_on == dt.date(
        2024, 2, 29
    )
    own = record(
        personas["practitioner"],
        course,
        dt.date(2024, 3, 1),
        manager,
        provider="NWG",
        expires_on=dt.date(2024, 9, 1),
    )
    assert (own.provider, own.expires_on) == ("NWG", dt.date(2024, 9, 1))
    event = AuditEvent.objects.filter(object_type="workforce.trainingrecord", object_id=str(own.pk)).get()
    assert event.action == "CREATE" and event.actor == manager


def test_bad_records_are_refused_with_field_names(
    personas: dict[str, User], manager: User, course: Course
) -> None:
    worker = personas["practitioner"]
    tomorrow = local_today() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        actions.record_training([worker], course, tomorrow, actor=manager)
    assert errors(exc) == {"completed_on"}
    with pytest.raises(ValidationError) as exc:
        actions.record_training(
            [worker], course, dt.date(2025, 5, 5), expires_on=dt.date(2025, 5, 5), actor=manager
        )
    assert errors(exc) == {"expires_on"}
    with pytest.raises(ValidationError) as exc:
        actions.record_training([], course, dt.date(2025, 5, 5), actor=manager)
    assert errors(exc) == {"people"}
    assert not TrainingRecord.objects.exists()


def test_a_form_sent_twice_makes_one_record(personas: dict[str, User], manager: User, course: Course) -> None:
    worker, missing = personas["practitioner"], personas["missing_worker"]
    first = actions.record_training([worker, missing], course, dt.date(2026, 2, 3), actor=manager)
    again = actions.record_training([worker, missing, worker], course, dt.date(2026, 2, 3), actor=manager)
    assert [r.pk for r in again] == [r.pk for r in first]
    assert TrainingRecord.objects.count() == 2
    # Withdrawn, it can be recorded again.
    actions.withdraw_record(first[0], "Wrong date.", actor=manager)
    assert actions.record_training([worker], course, dt.date(2026, 2, 3), actor=manager)[0].pk != first[0].pk


def test_change_and_withdraw(personas: dict[str, User], manager: User, course: Course) -> None:
    r = record(personas["practitioner"], course, dt.date(2026, 2, 3), manager)
    actions.change_record(r, dt.date(2026, 2, 4), note="Day two of the course.", actor=manager)
    r.refresh_from_db()
    assert (r.completed_on, r.expires_on, r.note) == (
        dt.date(2026, 2, 4),
        dt.date(2027, 2, 4),
        "Day two of the course.",
    )
    event = AuditEvent.objects.filter(object_id=str(r.pk), action="UPDATE").get()
    assert event.detail["changes"]["completed_on"] == ["2026-02-03", "2026-02-04"]
    with pytest.raises(ValidationError) as exc:
        actions.withdraw_record(r, "  ", actor=manager)
    assert errors(exc) == {"reason"}
    actions.withdraw_record(r, "Entered twice.", actor=manager)
    with pytest.raises(ValidationError):
        actions.change_record(r, dt.date(2026, 2, 5), actor=manager)
    assert TrainingRecord.objects.filter(pk=r.pk).exists()  # never deleted


def test_a_record_cannot_be_moved_onto_a_day_already_recorded(
    personas: dict[str, User], manager: User, course: Course
) -> None:
    worker = personas["practitioner"]
    first = record(worker, course, dt.date(2026, 2, 3), manager)
    second = record(worker, course, dt.date(2026, 5, 3), manager)
    with pytest.raises(ValidationError) as exc:
        actions.change_record(second, dt.date(2026, 2, 3), actor=manager)
    assert errors(exc) == {"completed_on"}
    second.refresh_from_db()
    assert second.completed_on == dt.date(2026, 5, 3)
    actions.change_record(first, dt.date(2026, 2, 3), note="Same day, a note added.", actor=manager)  # itself


def test_a_requirement_removed_twice_is_removed_and_audited_once(manager: User, course: Course) -> None:
    requirement = actions.add_requirement(
        course, role="analyst", agency="POLICE", reason="Police analysts map county lines", actor=manager
    )
    pk = requirement.pk
    actions.remove_requirement(requirement, actor=manager)
    actions.remove_requirement(CourseRequirement(pk=pk, course=course), actor=manager)  # a form sent twice
    assert not course.requirements.filter(role="analyst").exists()
    removed = AuditEvent.objects.filter(object_id=str(pk), action="UPDATE")
    assert [e.detail["removed"] for e in removed] == [True]


def test_courses(manager: User) -> None:
    for months in (0, 121, -1):
        with pytest.raises(ValidationError) as exc:
            actions.create_course("Trauma-informed practice", valid_months=months, actor=manager)
        assert errors(exc) == {"valid_months"}
    c = actions.create_course("Trauma-informed practice", valid_months=120, actor=manager)
    with pytest.raises(ValidationError) as exc:
        actions.create_course("trauma-informed practice", actor=manager)
    assert errors(exc) == {"name"}
    actions.change_course(c, "Trauma-informed practice", valid_months=None, actor=manager)
    c.refresh_from_db()
    assert c.valid_months is None


def test_requirements(manager: User, course: Course) -> None:
    with pytest.raises(ValidationError) as exc:
        actions.add_requirement(course, role="practitioner", reason="Again.", actor=manager)
    assert errors(exc) == {"role"}
    with pytest.raises(ValidationError) as exc:
        actions.add_requirement(course, role="juggler", agency="NOWHERE", reason="", actor=manager)
    assert errors(exc) == {"role", "agency", "reason"}
    r = actions.add_requirement(course, agency="POLICE", reason="Officers in the hub.", actor=manager)
    actions.remove_requirement(r, actor=manager)
    assert course.requirements.count() == 1


def test_teams_and_membership(personas: dict[str, User], manager: User) -> None:
    social = actions.create_team(
        "Complex safeguarding social work", "SOCIAL_CARE", manager=manager, actor=manager
    )
    police = actions.create_team("Police exploitation team", "POLICE", actor=manager)
    with pytest.raises(ValidationError) as exc:
        actions.create_team("police exploitation team", "POLICE", actor=manager)
    assert errors(exc) == {"name"}
    worker = personas["practitioner"]
    actions.place_member(worker, social, actor=manager)
    actions.place_member(worker, social, actor=manager)  # sent twice: one membership, one event
    actions.place_member(worker, police, actor=manager)  # moved
    assert Membership.objects.get(user=worker).team == police
    assert AuditEvent.objects.filter(object_type="workforce.membership").count() == 2
    with pytest.raises(ValidationError) as exc:
        actions.set_team_active(police, False, actor=manager)
    assert errors(exc) == {"active"}
    actions.remove_member(worker, actor=manager)
    actions.set_team_active(police, False, actor=manager)
    with pytest.raises(ValidationError) as exc:
        actions.place_member(worker, police, actor=manager)
    assert errors(exc) == {"team"}
    gone = create_user("gone", agency="POLICE", roles=["practitioner"], actor=None)
    gone.is_active = False
    gone.save()
    with pytest.raises(ValidationError) as exc:
        actions.place_member(gone, social, actor=manager)
    assert errors(exc) == {"user"}
