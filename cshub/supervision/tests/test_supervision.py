import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cshub.assurance.metrics.base import Period
from cshub.assurance.metrics.practice import supervision as supervision_metric
from cshub.conftest import TODAY
from cshub.people.models import TimelineKind
from cshub.supervision import actions
from cshub.tasks.actions import NewTask
from cshub.tasks.models import Task

pytestmark = pytest.mark.django_db


def _record(hub: dict[str, Any], kind: str = "INDIVIDUAL", days_ago: int = 0, **extra: Any) -> Any:
    return actions.SupervisionRecord(
        kind=kind,
        held_on=TODAY - dt.timedelta(days=days_ago),
        supervisee=hub["worker"],
        discussion="Kofi was found in another town again.",
        decisions="Hold a strategy discussion; share the trigger plan with police.",
        **extra,
    )


def test_joint_supervision_names_the_locality_worker(hub: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as err:
        actions.record_supervision(hub["episode"], _record(hub, "JOINT"), actor=hub["manager"])
    assert "locality_worker" in err.value.message_dict
    joint = actions.record_supervision(
        hub["episode"],
        _record(hub, "JOINT", locality_worker="Sam Idowu, North locality"),
        actor=hub["manager"],
    )
    entry = hub["child"].timeline.get(kind=TimelineKind.SUPERVISION, source_id=str(joint.pk))
    assert "Joint supervision" in entry.summary and "Sam Idowu" in entry.summary
    assert entry.link == reverse("supervision:detail", args=[joint.pk])


def test_only_supervisors_record_supervision(hub: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        actions.record_supervision(hub["episode"], _record(hub), actor=hub["worker"])


def test_actions_agreed_in_supervision_reach_the_owners_list(hub: dict[str, Any]) -> None:
    task = NewTask(
        "Book a joint visit with the school", "SOCIAL_CARE", TODAY + dt.timedelta(days=5), owner=hub["worker"]
    )
    supervision = actions.record_supervision(hub["episode"], _record(hub), actor=hub["manager"], tasks=[task])
    agreed = Task.objects.get(description="Book a joint visit with the school")
    assert agreed.owner == hub["worker"] and agreed.source == "SUPERVISION"
    assert list(supervision.tasks.all()) == [agreed]


def test_oversight_needs_a_reason_and_lands_on_the_timeline(hub: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        actions.record_oversight(hub["episode"], "Keep open", " ", actor=hub["manager"])
    actions.record_oversight(
        hub["episode"], "Keep the episode open.", "Missing twice this month.", actor=hub["manager"]
    )
    assert "Missing twice this month." in hub["child"].timeline.get(kind=TimelineKind.OVERSIGHT).summary


def test_supervision_overdue_counts_open_episodes_without_supervision_in_28_days(hub: dict[str, Any]) -> None:
    def overdue(end: dt.date) -> Any:
        return supervision_metric(Period(end - dt.timedelta(days=90), end))["supervision.overdue"].value

    # The hub's one open episode (opened 28 days ago) was supervised 20 days ago: the 28
    # days ending yesterday include that day; the 28 days ending 21 days ago do not.
    assert overdue(TODAY - dt.timedelta(days=1)) == 0
    assert overdue(TODAY - dt.timedelta(days=21)) == 1
    actions.record_supervision(hub["episode"], _record(hub, days_ago=22), actor=hub["manager"])
    assert overdue(TODAY - dt.timedelta(days=21)) == 0
    # A period that has not ended is measured today (docs/metrics.md).
    assert overdue(TODAY + dt.timedelta(days=30)) == 0


def test_the_form_records_supervision_with_an_action(hub: dict[str, Any], client_for: Any) -> None:
    url = reverse("supervision:new", args=[hub["episode"].pk])
    data = {
        "kind": "REFLECTIVE",
        "held_on_day": TODAY.day,
        "held_on_month": TODAY.month,
        "held_on_year": TODAY.year,
        "supervisee": hub["worker"].pk,
        "discussion": "Talked through the last return interview.",
        "decisions": "Refer to the NRM.",
        "action_1": "Complete the NRM referral",
    }
    page = client_for("team_manager").post(url, data).content.decode()
    assert "Write the reflective analysis" in page or "Select who will do action 1" in page
    data |= {
        "reflection": "We may be missing the older sibling's role.",
        "action_1_owner": hub["worker"].pk,
        "action_1_due_day": TODAY.day,
        "action_1_due_month": TODAY.month,
        "action_1_due_year": TODAY.year,
    }
    response = client_for("team_manager").post(url, data)
    assert response.status_code == 302
    mine = client_for("practitioner").get(reverse("supervision:mine")).content.decode()
    assert "Reflective" in mine and "Ashcombe" in mine
