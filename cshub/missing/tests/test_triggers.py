import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cshub.conftest import make_child
from cshub.missing import actions
from cshub.missing.models import MissingFlag, TriggerRule


def report(child, worker, hours_ago, away=5, **extra):
    now = timezone.now()
    started = now - dt.timedelta(hours=hours_ago)
    return actions.record_missing_episode(
        child,
        actions.MissingReport(reported_at=started, returned_at=started + dt.timedelta(hours=away), **extra),
        actor=worker,
    )


def reasons(child):
    return sorted(f.reason for f in MissingFlag.objects.open().filter(person=child))


def test_the_third_episode_in_90_days_brings_the_child_to_the_panel(personas):
    worker = personas["missing_worker"]
    child = make_child(worker)
    report(child, worker, 24 * 80)
    report(child, worker, 24 * 40)
    assert reasons(child) == []
    report(child, worker, 24 * 2)
    assert reasons(child) == ["3 missing episodes in 90 days"]
    report(child, worker, 24)  # a fourth: still one open flag for this rule
    assert MissingFlag.objects.open().filter(person=child).count() == 1
    assert child.timeline.filter(kind="MISSING_FLAGGED").count() == 1


def test_high_risk_long_young_and_adult_of_concern(personas):
    worker = personas["missing_worker"]
    young = make_child(worker, "Leo", "Fernstead", born=timezone.localdate() - dt.timedelta(days=12 * 365))
    report(young, worker, 100, away=30, police_risk="HIGH", found_with_adult_of_concern=True)
    assert reasons(young) == [
        "Aged 11 when reported missing",
        "Found with an adult of concern",
        "Missing for 30 hours",
        "Police graded the episode high risk",
    ]


def test_inactive_or_changed_rules(personas):
    worker, manager = personas["missing_worker"], personas["team_manager"]
    rule = TriggerRule.objects.get(kind="LONG")
    actions.update_trigger(rule, threshold=48, days=None, active=True, actor=manager)
    child = make_child(worker)
    report(child, worker, 100, away=30)
    assert reasons(child) == []
    with pytest.raises(ValidationError):
        actions.update_trigger(rule, threshold=None, days=None, active=True, actor=manager)
    actions.update_trigger(
        TriggerRule.objects.get(kind="HIGH_RISK"), threshold=None, days=None, active=False, actor=manager
    )
    report(child, worker, 50, police_risk="HIGH")
    assert reasons(child) == []


def test_the_panel_decides_and_the_flags_clear(personas, client_for):
    worker = personas["missing_worker"]
    child = make_child(worker)
    report(child, worker, 60, police_risk="HIGH")
    client = client_for("missing_worker")
    page = client.get("/missing/panel/").content.decode()
    assert child.full_name in page and "Police graded the episode high risk" in page
    assert (
        "Enter the panel"
        in client.post("/missing/panel/", {"person": child.pk, f"p{child.pk}-decision": ""}).content.decode()
    )
    response = client.post(
        "/missing/panel/",
        {
            "person": child.pk,
            f"p{child.pk}-decision": "Strategy discussion today",
            f"p{child.pk}-actions": "Police to visit the address named",
        },
    )
    assert response.status_code == 302
    assert reasons(child) == []
    entry = child.timeline.get(kind="PANEL_DECISION")
    assert "Strategy discussion today" in entry.summary and "Police to visit" in entry.summary
    assert f'id="child-{child.pk}"' not in client.get("/missing/panel/").content.decode()


def test_triggers_page_for_managers(client_for):
    manager = client_for("team_manager")
    rule = TriggerRule.objects.get(kind="REPEAT")
    page = manager.get("/missing/triggers/").content.decode()
    assert "3 or more missing episodes in 90 days" in page
    manager.post(
        "/missing/triggers/",
        {"rule": rule.pk, f"r{rule.pk}-threshold": "4", f"r{rule.pk}-days": "60", f"r{rule.pk}-active": "on"},
    )
    rule.refresh_from_db()
    assert (rule.threshold, rule.days, rule.active) == (4, 60, True)
