"""The daily meeting's agenda by risk (issue 16): everything about one child is one item
with each reason listed, items are ordered by risk (high-risk missing, police risk, the
assessed level, overdue work), the chair can still reorder, and each item shows the
child's current risk."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cshub.access.models import User
from cshub.assessments import actions as assessments
from cshub.conftest import TODAY, make_child
from cshub.core.dates import LONDON
from cshub.meetings import actions
from cshub.meetings.models import Meeting, MeetingType
from cshub.missing import actions as missing

pytestmark = pytest.mark.django_db

D = TODAY - dt.timedelta(days=2)


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON)


def daily() -> MeetingType:
    return MeetingType.objects.get(code="daily")


def about(meeting: Meeting) -> list[str]:
    """Each current item's children's forenames, in agenda order."""
    return [
        ",".join(sorted(p.forename for p in item.children.all()))
        for item in meeting.items.current().order_by("order", "id").prefetch_related("children")
    ]


def _missing(worker: User, forename: str, risk: str, *, returned: bool = True) -> Any:
    child = make_child(worker, forename, "Agendaworth")
    missing.record_missing_episode(
        child,
        missing.MissingReport(
            reported_at=at(D - dt.timedelta(days=1), 20),
            returned_at=at(D, 7) if returned else None,
            police_risk=risk,
        ),
        actor=worker,
    )
    return child


def test_everything_about_one_child_is_one_item_with_each_reason(
    hub: dict[str, Any], personas: dict[str, User]
) -> None:
    manager, worker = personas["team_manager"], personas["missing_worker"]
    child = _missing(worker, "Rhys", "HIGH")  # a return and the high-risk trigger it raises
    actions.flag_for_meeting(
        child, "Seen getting into cars with older men", actor=personas["practitioner"], at=at(D, 8)
    )
    meeting = actions.start_meeting(daily(), D, actor=manager)
    items = [i for i in meeting.items.current() if child in i.children.all()]
    assert len(items) == 1
    item = items[0]
    assert {s["kind"] for s in item.sources} == {"MISSING_RETURNED", "MISSING_TRIGGER", "FLAGGED"}
    assert "Returned after being missing" in item.reason
    assert "Brought by a missing trigger" in item.reason
    assert "Seen getting into cars with older men" in item.reason
    # Building again adds nothing and changes nothing.
    before = list(meeting.items.values_list("pk", "order", "reason"))
    assert actions.build_agenda(meeting, actor=manager) == []
    assert list(meeting.items.values_list("pk", "order", "reason")) == before


def test_the_agenda_is_ordered_by_risk(hub: dict[str, Any], personas: dict[str, User]) -> None:
    manager, worker = personas["team_manager"], personas["missing_worker"]
    # Kofi (the hub's child): a reviewed high assessment, brought by his worker.
    assessments.review_assessment(hub["assessment"], "HIGH", "Found 40 miles away.", actor=manager)
    actions.flag_for_meeting(
        hub["child"], "Worried about a new friend", actor=personas["practitioner"], at=at(D, 8)
    )
    _missing(worker, "Efa", "MEDIUM", returned=False)
    _missing(worker, "Gwil", "LOW")
    _missing(worker, "Rhys", "HIGH")
    meeting = actions.start_meeting(daily(), D, actor=manager)
    order = about(meeting)
    # High-risk missing first, then police risk, then the assessed level.
    assert order[:4] == ["Rhys", "Efa", "Gwil", "Kofi"], order
    # Amara (a new referral, nothing assessed, nothing overdue) after Kofi.
    assert order.index("Amara") > order.index("Kofi")


def test_the_chair_can_still_reorder_and_a_rebuild_keeps_the_order(
    hub: dict[str, Any], personas: dict[str, User]
) -> None:
    manager, worker = personas["team_manager"], personas["missing_worker"]
    _missing(worker, "Rhys", "HIGH")
    meeting = actions.start_meeting(daily(), D, actor=manager)
    first = about(meeting)
    last = meeting.items.current().order_by("-order", "-id").first()
    assert last is not None
    actions.move_item(last, "up", actor=manager)
    moved = about(meeting)
    assert moved == [*first[:-2], first[-1], first[-2]]
    actions.build_agenda(meeting, actor=manager)
    assert about(meeting) == moved


@pytest.mark.parametrize("persona", ["practitioner", "team_manager", "missing_worker"])
def test_meeting_items_show_the_current_risk_in_a_constant_number_of_queries(
    hub: dict[str, Any], personas: dict[str, User], client_for: Callable[[str], Client], persona: str
) -> None:
    manager = personas["team_manager"]
    assessments.review_assessment(hub["assessment"], "HIGH", "Found 40 miles away.", actor=manager)
    meeting = hub["meeting"]
    client = client_for(persona)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(reverse("meetings:detail", args=[meeting.pk]))
        assert page.status_code == 200
        assert "High risk" in page.content.decode()
        return sum("casework_assessment" in q["sql"] for q in ctx.captured_queries)

    before = count()
    for name in ("Ada", "Bea", "Cal"):
        actions.add_item(
            meeting, "OTHER", "Seen together", [make_child(manager, name, "Itemworth")], actor=manager
        )
    assert count() == before
