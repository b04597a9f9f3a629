"""The agenda rule AREA_REGISTER: a child brought to the daily meeting from the triage list
goes on the next daily meeting's agenda once, with the reason, and the decision records
the item that took it."""

import datetime as dt

import pytest

from cshub.conftest import TODAY, make_child
from cshub.core.dates import LONDON
from cshub.meetings import actions as meetings
from cshub.meetings.models import AgendaItem, MeetingType
from cshub.register import actions
from cshub.register.models import Triage
from cshub.register.tests.helpers import flag

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON)


def daily() -> MeetingType:
    return MeetingType.objects.get(code="daily")


def decide(child, decision: str, reason: str, actor, when: dt.datetime) -> Triage:
    """A decision made at `when` (the action stamps the time it runs)."""
    made = actions.triage(child, decision=decision, reason=reason, actor=actor)
    Triage.objects.filter(pk=made.pk).update(decided_at=when)
    made.refresh_from_db()
    return made


def items_about(child) -> list[AgendaItem]:
    return list(AgendaItem.objects.filter(children=child).select_related("meeting").order_by("meeting__date"))


def test_the_daily_meeting_takes_the_register(personas):
    assert "AREA_REGISTER" in daily().sources


def test_on_the_next_daily_meeting_once(personas):
    worker, manager = personas["practitioner"], personas["team_manager"]
    child = make_child(worker, "Nell", "Neverby")
    flag(child, "CCE", source="POLICE", holder="EARLY_HELP", holder_team="North early help")
    other = make_child(worker, "Ola", "Otherby")
    flag(other, "GANGS")
    yesterday = TODAY - dt.timedelta(days=1)
    made = decide(child, "MEETING", "Seen with older boys at the station twice.", worker, at(yesterday, 12))
    decide(other, "NOT_FOR_HUB", "Youth justice hold the case.", worker, at(yesterday, 12))

    before = meetings.start_meeting(daily(), yesterday, actor=manager)  # began at 9:30, before the decision
    assert items_about(child) == []
    meeting = meetings.start_meeting(daily(), TODAY, actor=manager)
    meetings.build_agenda(meeting, actor=manager)  # built again: nothing twice
    later = meetings.start_meeting(daily(), TODAY + dt.timedelta(days=1), actor=manager)

    (item,) = items_about(child)
    assert item.meeting == meeting and item.source_kind == "AREA_REGISTER"
    assert "Nell" not in item.title and "Neverby" not in item.title
    assert "whole-area register" in item.title
    assert "Seen with older boys at the station twice." in item.reason
    assert "child criminal exploitation (police" in item.reason and "North early help" in item.reason
    made.refresh_from_db()
    assert made.agenda_item == item
    assert items_about(other) == []  # considered, not for the hub: no item
    assert not later.items.filter(source_kind="AREA_REGISTER").exists()
    assert not before.items.filter(source_kind="AREA_REGISTER").exists()


def test_a_child_already_on_the_agenda_takes_it_as_another_reason(personas):
    worker, manager = personas["practitioner"], personas["team_manager"]
    child = make_child(worker, "Nell", "Neverby")
    flag(child, "CSE")
    meetings.flag_for_meeting(child, "A worker is worried about Nell.", actor=worker, at=at(TODAY, 7))
    meeting = meetings.start_meeting(daily(), TODAY + dt.timedelta(days=1), actor=manager)
    (item,) = items_about(child)
    made = decide(child, "MEETING", "Flagged by the school for sexual exploitation.", worker, at(TODAY, 8))
    assert made.agenda_item is None
    meetings.build_agenda(meeting, actor=manager)
    (item,) = items_about(child)  # still one item about the child, with both reasons
    assert [s["kind"] for s in item.sources] == ["FLAGGED", "AREA_REGISTER"]
    assert "Flagged by the school for sexual exploitation." in item.reason
    made.refresh_from_db()
    assert made.agenda_item == item
