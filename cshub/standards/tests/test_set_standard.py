"""The standard in force on a day, and its one write path (docs/practice-standards.md)."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cshub.audit.models import Action, AuditEvent
from cshub.core.dates import local_today
from cshub.standards import standards
from cshub.standards.actions import set_standard
from cshub.standards.models import PracticeStandard, StandardCode

pytestmark = pytest.mark.django_db

TODAY = local_today()
TOMORROW = TODAY + dt.timedelta(days=1)


def test_before_the_first_version_the_setting_is_the_standard(settings: Any, personas: Any) -> None:
    settings.CSHUB_STANDARDS = {**settings.CSHUB_STANDARDS, "SUPERVISION": 28}
    settings.CSHUB_SUMMARY_MAX_AGE_DAYS = 30
    set_standard("SUPERVISION", 21, TODAY, "Audit finding", actor=personas["team_manager"])
    yesterday = TODAY - dt.timedelta(days=1)
    assert standards.standard("SUPERVISION", yesterday) == 28
    assert standards.in_force(yesterday)["SUPERVISION"] == 28
    assert standards.standard("SUPERVISION", TODAY) == 21
    assert standards.in_force(TODAY)["SUMMARY"] == 30  # no version yet: the setting


def test_a_version_from_tomorrow_is_not_in_force_today(personas: Any) -> None:
    before = standards.standard("VISIT")
    set_standard("VISIT", before + 3, TOMORROW, "From tomorrow", actor=personas["team_manager"])
    assert standards.standard("VISIT") == before
    assert standards.in_force()["VISIT"] == before
    assert standards.standard("VISIT", TOMORROW) == before + 3
    assert standards.in_force(TOMORROW)["VISIT"] == before + 3


def test_two_versions_of_the_same_day_the_higher_is_in_force(personas: Any) -> None:
    manager = personas["team_manager"]
    set_standard("VOICE", 30, TODAY, "First thoughts", actor=manager)
    set_standard("VOICE", 35, TODAY, "Second thoughts", actor=manager)
    assert standards.standard("VOICE", TODAY) == 35
    assert standards.in_force(TODAY)["VOICE"] == 35
    assert list(PracticeStandard.objects.filter(code="VOICE").values_list("version", "days")) == [
        (2, 35),
        (1, 30),
    ]


def test_set_standard_writes_a_version_and_its_audit_event(personas: Any) -> None:
    manager = personas["team_manager"]
    old = standards.standard("SUPERVISION", TOMORROW)
    row = set_standard("SUPERVISION", 21, TOMORROW, "  Case audit: supervision drift  ", actor=manager)
    assert (row.code, row.version, row.days, row.effective_from) == ("SUPERVISION", 1, 21, TOMORROW)
    assert row.reason == "Case audit: supervision drift" and row.set_by == manager
    event = AuditEvent.objects.get(object_type="standards.practicestandard", object_id=str(row.pk))
    assert event.action == Action.UPDATE and event.actor == manager
    assert event.reason == "Case audit: supervision drift"
    assert event.detail == {
        "standard": "SUPERVISION",
        "version": 1,
        "old_days": old,
        "new_days": 21,
        "effective_from": TOMORROW.isoformat(),
    }


@pytest.mark.parametrize("role", ["practitioner", "analyst", "strategic_lead", "missing_worker", "sysadmin"])
def test_only_a_holder_of_set_standards_may_change_one(personas: Any, role: str) -> None:
    with pytest.raises(PermissionDenied):
        set_standard("VISIT", 7, TOMORROW, "Because", actor=personas[role])
    assert not PracticeStandard.objects.exists()


@pytest.mark.parametrize(
    ("code", "days", "start", "reason", "field"),
    [
        ("NOT_A_STANDARD", 10, 0, "Because", "code"),
        ("TEAM_SIZE", 10, 0, "Because", "code"),  # a setting, not a practice standard
        ("VISIT", 0, 0, "Because", "days"),
        ("VISIT", -3, 0, "Because", "days"),
        ("VISIT", 367, 0, "Because", "days"),
        ("VISIT", 7, 0, "   ", "reason"),
        ("VISIT", 7, 0, "x" * 20_001, "reason"),
        ("VISIT", 7, -40, "Because", "effective_from"),
    ],
)
def test_set_standard_refuses_bad_input(
    personas: Any, code: str, days: int, start: int, reason: str, field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        set_standard(code, days, TODAY + dt.timedelta(days=start), reason, actor=personas["team_manager"])
    assert field in refused.value.message_dict
    assert not PracticeStandard.objects.exists()
    assert not AuditEvent.objects.filter(object_type="standards.practicestandard").exists()


def test_a_date_earlier_in_this_month_is_allowed_but_not_last_month(personas: Any) -> None:
    manager = personas["team_manager"]
    first = TODAY.replace(day=1)
    set_standard("VISIT", 9, first, "Agreed at the start of the month", actor=manager)
    with pytest.raises(ValidationError) as refused:
        set_standard("VISIT", 8, first - dt.timedelta(days=1), "Last month", actor=manager)
    assert "effective_from" in refused.value.message_dict


def test_set_standard_refuses_a_change_identical_to_the_one_in_force_that_day(personas: Any) -> None:
    manager = personas["team_manager"]
    with pytest.raises(ValidationError) as refused:
        set_standard("VISIT", standards.standard("VISIT", TOMORROW), TOMORROW, "Same", actor=manager)
    assert "days" in refused.value.message_dict
    set_standard("VISIT", 7, TOMORROW, "Tighter", actor=manager)
    with pytest.raises(ValidationError):
        set_standard("VISIT", 7, TOMORROW + dt.timedelta(days=3), "Same again", actor=manager)
    assert PracticeStandard.objects.filter(code=StandardCode.VISIT).count() == 1
