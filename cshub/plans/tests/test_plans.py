import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from cshub.assessments import actions as assessments
from cshub.conftest import TODAY
from cshub.people.models import TimelineKind
from cshub.plans import actions, due
from cshub.tasks.actions import NewTask
from cshub.tasks.models import Task

pytestmark = pytest.mark.django_db


def test_a_plan_needs_a_contingency(hub: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as err:
        actions.write_plan(hub["episode"], actions.PlanText("Needs", "Outcomes", " "), actor=hub["worker"])
    assert "contingency" in err.value.message_dict


def test_a_new_version_carries_open_actions_over(hub: dict[str, Any]) -> None:
    first = actions.write_plan(
        hub["episode"],
        actions.PlanText("N", "O", "C"),
        actor=hub["worker"],
        tasks=[NewTask("Mentoring referral", "VOLUNTARY_SECTOR", TODAY, owner_name="Youth project")],
    )
    second = actions.write_plan(hub["episode"], actions.PlanText("N2", "O2", "C2"), actor=hub["worker"])
    assert (first.version, second.version) == (2, 3)  # the fixture wrote version 1
    assert [t.description for t in second.tasks.all()] == ["Mentoring referral"]
    assert Task.objects.get(description="Mentoring referral").source == "PLAN"


@override_settings(
    CSHUB_STANDARDS={
        **__import__("django.conf").conf.settings.CSHUB_STANDARDS,
        "PLAN_REVIEW_HIGH": 14,
        "PLAN_REVIEW_MEDIUM": 28,
    }
)
def test_plan_reviews_are_due_on_the_cadence_of_the_risk_level(hub: dict[str, Any]) -> None:
    plan = hub["plan"]
    written = timezone.localtime(plan.written_at).date()
    # The fixture's last assessment is MEDIUM: every 28 days.
    assert due.plan_review_due(plan).due_date == written + dt.timedelta(days=28)
    assessments.record_risk_assessment(
        hub["episode"],
        assessments.RiskAssessment(
            TODAY,
            "HIGH",
            "Scared.",
            "Threatened with a knife.",
            {"weapons": assessments.Evidence("Told his worker", "Hub worker", "CHILD", TODAY)},
        ),
        actor=hub["worker"],
    )
    assert due.plan_review_due(plan).due_date == written + dt.timedelta(days=14)
    actions.review_plan(plan, TODAY, "Going well: in school 4 days a week.", {}, actor=hub["worker"])
    assert due.plan_review_due(plan).due_date == TODAY + dt.timedelta(days=14)
    assert not any(p == hub["child"] and "Plan review" in why for p, why in due.overdue_for_meeting(TODAY))
    assert any("Plan review" in why for p, why in due.overdue_for_meeting(TODAY + dt.timedelta(days=15)))


def test_a_review_records_progress_on_each_action(hub: dict[str, Any]) -> None:
    plan = actions.write_plan(
        hub["episode"],
        actions.PlanText("N", "O", "C"),
        actor=hub["worker"],
        tasks=[NewTask("Mentoring referral", "VOLUNTARY_SECTOR", TODAY, owner_name="Youth project")],
    )
    task = plan.tasks.get()
    with pytest.raises(ValidationError):
        actions.review_plan(plan, TODAY, "Fine", {task.pk: " "}, actor=hub["worker"])
    review = actions.review_plan(
        plan, TODAY, "Fine", {task.pk: "Referral made, first session booked"}, actor=hub["worker"]
    )
    assert review.action_progress == {str(task.pk): "Referral made, first session booked"}
    assert hub["child"].timeline.filter(kind=TimelineKind.PLAN_REVIEW).exists()


def test_safety_and_trigger_plans_are_versioned_and_print(hub: dict[str, Any], client_for: Any) -> None:
    child = hub["child"]
    text = actions.SafetyPlanText(
        "My nan, Ms Reid at school", "Nan's house", "Ring nan or 999", "Nan picks me up"
    )
    actions.write_safety_plan(child, text, actor=hub["worker"])
    second = actions.write_safety_plan(child, text, actor=hub["worker"])
    assert second.version == 2
    page = client_for("missing_worker").get(reverse("plans:safety_plan", args=[child.pk])).content.decode()
    assert "My safety plan" in page and "Ring nan or 999" in page and "data-cshub-print" in page
    with pytest.raises(ValidationError):
        actions.write_trigger_plan(child, actions.TriggerPlanText("", "", "", ""), actor=hub["worker"])
    actions.write_trigger_plan(
        child,
        actions.TriggerPlanText(
            "The flat on Mill Lane", "Ring 101 after 1 hour", "Check Mill Lane", "Duty worker"
        ),
        actor=hub["worker"],
    )
    trigger = client_for("practitioner").get(reverse("plans:trigger_plan", args=[child.pk])).content.decode()
    assert "The flat on Mill Lane" in trigger


def test_the_plan_form_saves_a_plan_with_an_action(hub: dict[str, Any], client_for: Any) -> None:
    url = reverse("plans:edit_plan", args=[hub["episode"].pk])
    data: dict[str, object] = {
        "needs": "N",
        "outcomes": "O",
        "contingency": "C",
        "action_1": "Weekly mentoring",
    }
    page = client_for("practitioner").post(url, data).content.decode()
    assert "Enter who will do action 1" in page
    data |= {
        "action_1_who": "Youth project",
        "action_1_agency": "VOLUNTARY_SECTOR",
        "action_1_due_day": TODAY.day,
        "action_1_due_month": TODAY.month,
        "action_1_due_year": TODAY.year,
    }
    assert client_for("practitioner").post(url, data).status_code == 302
    tab = client_for("practitioner").get(reverse("plans:casework", args=[hub["child"].pk])).content.decode()
    assert "Weekly mentoring" in tab and "Version 2" in tab


def test_the_child_page_and_caseload_show_what_is_due(hub: dict[str, Any], client_for: Any) -> None:
    client = client_for("practitioner")
    page = client.get(reverse("casework:child", args=[hub["child"].pk])).content.decode()
    assert "What is due" in page and "Assessment review" in page and "Plan review" in page
    caseload = client.get(reverse("casework:my_caseload")).content.decode()
    # Supervised 20 days ago (within 28), never visited.
    assert "Visit overdue" in caseload and "Supervision overdue" not in caseload


def test_the_plan_review_form_says_what_is_missing(hub: dict[str, Any], client_for: Any) -> None:
    """Issue 16: an empty review said "This field is required." twice: say what to enter."""
    plan = actions.write_plan(
        hub["episode"],
        actions.PlanText("N", "O", "C"),
        actor=hub["worker"],
        tasks=[NewTask("Mentoring referral", "VOLUNTARY_SECTOR", TODAY, owner_name="Youth project")],
    )
    when = {"reviewed_on_day": TODAY.day, "reviewed_on_month": TODAY.month, "reviewed_on_year": TODAY.year}
    page = (
        client_for("practitioner").post(reverse("plans:review_plan", args=[plan.pk]), when).content.decode()
    )
    assert "This field is required" not in page
    assert "Enter the overall progress" in page
    assert "Enter the progress on “Mentoring referral”" in page
