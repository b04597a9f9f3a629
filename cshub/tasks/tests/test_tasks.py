import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cshub.conftest import TODAY, make_child
from cshub.people.models import TimelineKind
from cshub.tasks import actions
from cshub.tasks.models import Status, Task

pytestmark = pytest.mark.django_db


def _agree(hub: dict[str, Any], people: list[Any], due: dt.date, owner: Any = None, name: str = "") -> Task:
    return actions.agree_task(
        actions.NewTask("Share the trigger plan with carers", "POLICE", due, owner=owner, owner_name=name),
        people,
        actor=hub["manager"],
        source_label="Daily meeting",
    )


def test_an_action_about_several_children_lands_on_each_timeline(hub: dict[str, Any]) -> None:
    task = _agree(hub, [hub["child"], hub["second"]], TODAY, name="PC Ellery")
    for person in (hub["child"], hub["second"]):
        entry = person.timeline.filter(kind=TimelineKind.ACTION_AGREED).get(source_id=str(task.pk))
        assert "PC Ellery (Police)" in entry.summary
        assert "Share the trigger plan" in entry.summary


def test_an_action_needs_an_owner_and_a_description(hub: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as err:
        actions.agree_task(actions.NewTask(" ", "POLICE", TODAY), [hub["child"]], actor=hub["manager"])
    assert set(err.value.message_dict) == {"description", "owner_name"}


def test_closing_needs_a_note_and_the_owner_or_a_manager(
    hub: dict[str, Any], personas: dict[str, Any]
) -> None:
    task = hub["task"]
    with pytest.raises(PermissionDenied):
        actions.finish_task(task, "Done", actor=personas["missing_worker"])
    with pytest.raises(ValidationError):
        actions.finish_task(task, "  ", actor=hub["worker"])
    actions.finish_task(task, "Seen at school with the head of year.", actor=hub["worker"])
    task.refresh_from_db()
    assert task.status == Status.DONE
    assert hub["child"].timeline.filter(kind=TimelineKind.ACTION_COMPLETED).exists()
    with pytest.raises(ValidationError):
        actions.finish_task(task, "Again", actor=hub["worker"])


def test_actions_about_a_child_the_user_may_not_see_are_hidden(
    hub: dict[str, Any], personas: dict[str, Any], client_for: Any
) -> None:
    hidden = _agree(hub, [hub["restricted"]], TODAY, name="PC Ellery")
    mixed = _agree(hub, [hub["child"], hub["restricted"]], TODAY, name="PC Ellery")
    visible = Task.objects.visible_to(personas["missing_worker"])
    assert hidden not in visible and mixed not in visible and hub["task"] in visible
    response = client_for("missing_worker").get(reverse("tasks:detail", args=[hidden.pk]))
    assert response.status_code == 404
    page = client_for("missing_worker").get(reverse("tasks:list"), {"owner": "all"})
    assert "Cinderwick" not in page.content.decode()


def test_the_list_filters_overdue_and_by_child(hub: dict[str, Any], client_for: Any) -> None:
    late = _agree(hub, [hub["second"]], TODAY - dt.timedelta(days=2), owner=hub["worker"])
    client = client_for("practitioner")
    overdue = client.get(reverse("tasks:list"), {"state": "overdue"}).content.decode()
    assert reverse("tasks:detail", args=[late.pk]) in overdue
    assert reverse("tasks:detail", args=[hub["task"].pk]) not in overdue
    by_child = client.get(reverse("tasks:list"), {"child": hub["child"].pk}).content.decode()
    assert reverse("tasks:detail", args=[hub["task"].pk]) in by_child
    assert reverse("tasks:detail", args=[late.pk]) not in by_child


def test_the_owner_closes_an_action_from_its_page(hub: dict[str, Any], client_for: Any) -> None:
    url = reverse("tasks:detail", args=[hub["task"].pk])
    client = client_for("practitioner")
    assert client.post(url, {"outcome": "done", "note": ""}).status_code == 200
    response = client.post(url, {"outcome": "cancelled", "note": "The child moved out of area."})
    assert response.status_code == 302
    hub["task"].refresh_from_db()
    assert hub["task"].status == Status.CANCELLED


def test_a_worker_cannot_close_someone_elses_action(hub: dict[str, Any], client_for: Any) -> None:
    other = make_child(hub["worker"], "Jude", "Marlowe")
    task = _agree(hub, [other], TODAY, name="PC Ellery")
    response = client_for("missing_worker").post(
        reverse("tasks:detail", args=[task.pk]), {"outcome": "done", "note": "x"}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == Status.OPEN
