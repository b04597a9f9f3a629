"""Joint operations: the access list (404 for anyone else, as for a record they may not
see), actions in the one list of actions, meetings of the joint operation type, closure."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cshub.conftest import TODAY
from cshub.disruption import actions
from cshub.disruption.models import OperationStatus
from cshub.meetings.models import Meeting
from cshub.tasks import actions as tasks
from cshub.tasks.models import Task

pytestmark = pytest.mark.django_db


def _open(area: dict[str, Any], members: tuple[int, ...] = ()) -> Any:
    return actions.open_operation(
        actions.OperationDetails(
            "Operation Lantern",
            "Stop the adults using the takeaway to groom children",
            TODAY - dt.timedelta(days=10),
            (area["kofi"].pk, area["amara"].pk),
            (area["place"].pk,),
            members,
        ),
        actor=area["worker"],
    )


def test_only_the_list_and_whoever_opened_it_may_open_an_operation(
    area: dict[str, Any], personas: dict[str, Any], client_for: Any
) -> None:
    op = _open(area, (personas["missing_worker"].pk,))
    url = reverse("disruption:operation", args=[op.pk])
    assert client_for("practitioner").get(url).status_code == 200  # opened it
    assert client_for("missing_worker").get(url).status_code == 200  # on the list
    assert client_for("team_manager").get(url).status_code == 404  # a manager is not enough
    assert client_for("analyst").get(url).status_code == 403
    listed = client_for("team_manager").get(reverse("disruption:operations"))
    assert b"Operation Lantern" not in listed.content
    # taken off the list: closed to them at once
    actions.change_operation(op, actor=area["worker"], children=(area["kofi"].pk,), subjects=(), members=())
    assert client_for("missing_worker").get(url).status_code == 404
    assert client_for("practitioner").get(url).status_code == 200  # whoever opened it stays


def test_only_people_who_may_see_intelligence_go_on_the_list(
    area: dict[str, Any], personas: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError) as exc:
        _open(area, (personas["analyst"].pk,))
    assert "members" in exc.value.message_dict


def test_someone_not_on_the_list_cannot_change_it(area: dict[str, Any]) -> None:
    op = _open(area)
    with pytest.raises(PermissionDenied):
        actions.record_decision(op, "Apply for a closure order", TODAY, actor=area["manager"])


def test_an_operation_needs_a_child_the_opener_may_see(area: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as exc:
        actions.open_operation(
            actions.OperationDetails("Operation Ash", "Aims", TODAY, (area["tia"].pk,)), actor=area["worker"]
        )
    assert "children" in exc.value.message_dict


def test_actions_go_in_the_one_list_and_meetings_use_the_joint_operation_type(
    area: dict[str, Any], personas: dict[str, Any]
) -> None:
    op = _open(area, (area["manager"].pk,))
    task = actions.agree_action(
        op,
        tasks.NewTask(
            "Licensing review of the takeaway", "POLICE", TODAY + dt.timedelta(days=14), area["manager"]
        ),
        actor=area["worker"],
    )
    assert set(task.people.values_list("pk", flat=True)) == {area["kofi"].pk, area["amara"].pk}
    assert task.link == reverse("disruption:operation", args=[op.pk])
    assert "Lantern" not in task.source_label
    assert Task.objects.filter(pk__in=op.task_links.values("task_id")).get() == task
    meeting = actions.arrange_meeting(op, TODAY + dt.timedelta(days=2), actor=area["worker"])
    assert meeting.meeting_type.code == "joint-operation"
    assert "Lantern" not in meeting.title
    assert Meeting.objects.filter(pk__in=op.meeting_links.values("meeting_id")).get() == meeting


def test_closing_needs_a_summary_and_a_closed_operation_takes_no_more(area: dict[str, Any]) -> None:
    op = _open(area)
    with pytest.raises(ValidationError) as exc:
        actions.close_operation(op, "  ", actor=area["worker"])
    assert "summary" in exc.value.message_dict
    actions.close_operation(op, "Closure order granted; both children safe.", actor=area["worker"])
    op.refresh_from_db()
    assert op.status == OperationStatus.CLOSED and op.closed_on == TODAY
    with pytest.raises(ValidationError):
        actions.record_decision(op, "Another", TODAY, actor=area["worker"])


def test_recording_an_operation_through_its_pages(area: dict[str, Any], client_for: Any) -> None:
    client = client_for("practitioner")
    response = client.post(
        reverse("disruption:new_operation"),
        {
            "name": "Operation Birch",
            "aims": "Disrupt the county line",
            "opened_on_day": str(TODAY.day),
            "opened_on_month": str(TODAY.month),
            "opened_on_year": str(TODAY.year),
            "children": f"{area['kofi'].pk}, {area['amara'].pk}",
            "subjects": str(area["place"].pk),
            "members": [str(area["manager"].pk)],
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert b"Operation Birch" in page.content and b"Kofi Ashcombe" in page.content
    refused = client.post(reverse("disruption:new_operation"), {"name": "X", "children": "12x"})
    assert refused.status_code == 200 and b"Enter record numbers" in refused.content
