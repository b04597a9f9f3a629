"""The demo's practice standards (issue 23, part A): a history written through set_standard,
dated back, so the standard in force on a day differs across the demo's year."""

import datetime as dt

import pytest

from cshub.audit.models import AuditEvent
from cshub.demo.generator import generate
from cshub.standards import standards
from cshub.standards.models import PracticeStandard

TODAY = dt.date(2026, 11, 23)


@pytest.mark.django_db
def test_the_demo_tightened_supervision_months_ago_and_has_a_change_to_come() -> None:
    generate(seed=7, today=TODAY, years=1, referrals_per_year=60)
    assert standards.standard("SUPERVISION", TODAY - dt.timedelta(days=121)) == 28  # the setting
    assert standards.standard("SUPERVISION", TODAY - dt.timedelta(days=120)) == 21
    assert standards.standard("VISIT", TODAY) == 10
    assert standards.standard("VISIT", TODAY + dt.timedelta(days=14)) == 7
    supervision = PracticeStandard.objects.get(code="SUPERVISION")
    assert "Case audit finding" in supervision.reason and supervision.set_by.username == "manager"
    event = AuditEvent.objects.get(object_type="standards.practicestandard", object_id=str(supervision.pk))
    assert event.detail["old_days"] == 28 and event.detail["new_days"] == 21
