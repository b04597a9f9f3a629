"""The agenda: each source on the right day, and never twice (the build runs twice)."""

import datetime as dt

import pytest

from cshub.conftest import TODAY, make_child
from cshub.core.dates import LONDON
from cshub.meetings import actions
from cshub.meetings.agenda import item_keys
from cshub.meetings.models import AgendaItem, Meeting, MeetingType
from cshub.missing import actions as missing
from cshub.tasks import actions as tasks

pytestmark = pytest.mark.django_db

D = TODAY - dt.timedelta(days=2)  # the meeting date: its whole window is in the past


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


def daily() -> MeetingType:
    return MeetingType.objects.get(code="daily")


def keys(meeting: Meeting) -> dict[str, str]:
    """Every source on the agenda (an item stands for each of its child's reasons)."""
    return {key: kind for kind, key in item_keys(meeting.items.current())}


def item_with(meeting: Meeting, key: str) -> AgendaItem:
    """The item that stands for the source `key`."""
    (item,) = [
        i for i in meeting.items.all() if i.source_key == key or any(s["key"] == key for s in i.sources)
    ]
    return item


def build_twice(meeting: Meeting, actor) -> dict[str, str]:
    first, count = keys(meeting), meeting.items.count()
    actions.build_agenda(meeting, actor=actor)
    again = keys(meeting)
    assert again == first, "building the agenda again changed it"
    assert meeting.items.count() == count, "building the agenda again duplicated items"
    listed = [
        s["key"] if i.sources else i.source_key for i in meeting.items.all() for s in (i.sources or [{}])
    ]
    assert len(listed) == len(set(listed)), "a source is on two items"
    return again


def test_new_referrals_since_the_last_meeting(hub, personas):
    manager = personas["team_manager"]
    meeting = actions.start_meeting(daily(), D, actor=manager)
    found = build_twice(meeting, manager)
    assert found[f"referral:{hub['open_referral'].pk}"] == "REFERRAL"  # received the day before
    assert f"referral:{hub['referral'].pk}" not in found  # a month ago
    assert f"referral:{hub['pending_referral'].pk}" not in found  # received after the meeting date
    item = item_with(meeting, f"referral:{hub['open_referral'].pk}")
    assert list(item.children.all()) == [hub["second"]]
    assert "Amara" not in item.title and "sexual exploitation" in item.title
    # The next meeting has the referral received since, and not the one already discussed.
    later = actions.start_meeting(daily(), TODAY - dt.timedelta(days=1), actor=manager)
    found = keys(later)
    assert f"referral:{hub['pending_referral'].pk}" in found
    assert f"referral:{hub['open_referral'].pk}" not in found


def test_missing_reported_or_returned_in_the_24_hours_before(hub, personas):
    manager, worker = personas["team_manager"], personas["missing_worker"]
    child = make_child(worker, "Rhys", "Oakenfold")
    returned = missing.record_missing_episode(
        child,
        missing.MissingReport(
            reported_at=at(D - dt.timedelta(days=1), 20), returned_at=at(D, 7), police_risk="HIGH"
        ),
        actor=worker,
    )
    still_missing = missing.record_missing_episode(
        make_child(worker, "Efa", "Marlstone"),
        missing.MissingReport(reported_at=at(D, 8), police_risk="MEDIUM"),
        actor=worker,
    )
    too_early = missing.record_missing_episode(
        make_child(worker, "Gwil", "Thornbury"),
        missing.MissingReport(
            reported_at=at(D - dt.timedelta(days=3), 20), returned_at=at(D - dt.timedelta(days=2), 9)
        ),
        actor=worker,
    )
    after = missing.record_missing_episode(
        make_child(worker, "Ifan", "Coldwell"),
        missing.MissingReport(reported_at=at(D, 10)),
        actor=worker,
    )
    meeting = actions.start_meeting(daily(), D, actor=manager)
    found = build_twice(meeting, manager)
    assert found[f"missing:{returned.pk}"] == "MISSING_RETURNED"
    assert found[f"missing:{still_missing.pk}"] == "MISSING_REPORTED"
    assert f"missing:{too_early.pk}" not in found
    assert f"missing:{after.pk}" not in found  # reported after the meeting started: tomorrow's
    item = item_with(meeting, f"missing:{returned.pk}")
    assert "police risk high" in item.title
    assert "Police graded the episode high risk" in item.reason  # the trigger flag
    # The high-risk trigger raised in the window is listed on the child's one item.
    assert any(k.startswith("missingflag:") and v == "MISSING_TRIGGER" for k, v in found.items())
    assert [i for i in meeting.items.all() if child in i.children.all()] == [item]
    assert [s["kind"] for s in item.sources] == ["MISSING_RETURNED", "MISSING_TRIGGER"]
    tomorrow = actions.start_meeting(daily(), D + dt.timedelta(days=1), actor=manager)
    assert f"missing:{returned.pk}" not in keys(tomorrow)
    assert keys(tomorrow)[f"missing:{after.pk}"] == "MISSING_REPORTED"


def test_return_interview_overdue(hub, personas):
    manager, worker = personas["team_manager"], personas["missing_worker"]
    child = make_child(worker, "Rhys", "Oakenfold")
    late = missing.record_missing_episode(
        child,
        missing.MissingReport(
            reported_at=at(D - dt.timedelta(days=5), 20), returned_at=at(D - dt.timedelta(days=4), 7)
        ),
        actor=worker,
    )
    recent = missing.record_missing_episode(
        child,
        missing.MissingReport(
            reported_at=at(D - dt.timedelta(days=2), 20), returned_at=at(D - dt.timedelta(days=2), 23)
        ),
        actor=worker,
    )
    meeting = actions.start_meeting(daily(), D, actor=manager)
    found = build_twice(meeting, manager)
    assert found[f"rhi:{late.pk}"] == "INTERVIEW_OVERDUE"
    assert f"rhi:{recent.pk}" not in found  # still within 72 hours
    # A standing item comes back only after the type's repeat days (7 for the daily meeting).
    assert f"rhi:{late.pk}" not in keys(
        actions.start_meeting(daily(), D + dt.timedelta(days=1), actor=manager)
    )


def test_assessment_overdue_from_casework_due(hub, personas):
    from cshub.casework import actions as casework
    from cshub.conftest import make_referral
    from cshub.referrals import actions as referrals

    manager, worker = personas["team_manager"], personas["practitioner"]
    child = make_child(worker, "Rhys", "Oakenfold")
    referral = make_referral(child, worker, days_ago=42)
    opened = TODAY - dt.timedelta(days=40)
    referrals.decide_referral(referral, "OPEN", "Meets threshold.", actor=manager, decision_date=opened)
    casework.open_episode(referral, actor=manager, open_date=opened, allocated_worker=worker)
    key = f"assessment:{child.pk}"  # no assessment: the first was due 4 weeks after opening
    due = opened + dt.timedelta(days=28)
    assert key not in keys(actions.start_meeting(daily(), due, actor=manager))
    after = actions.start_meeting(daily(), due + dt.timedelta(days=1), actor=manager)
    found = build_twice(after, manager)
    assert found[key] == "ASSESSMENT_OVERDUE"
    assert "First exploitation risk assessment overdue" in item_with(after, key).title


def test_plan_review_overdue_is_on_the_agenda_beside_the_assessment(hub, personas):
    from django.utils import timezone

    from cshub.plans import due as plan_due

    manager = personas["team_manager"]
    review = plan_due.plan_review_due(hub["plan"])
    assert review.due_date == timezone.localtime(hub["plan"].written_at).date() + dt.timedelta(days=28)
    meeting = actions.start_meeting(daily(), review.due_date + dt.timedelta(days=1), actor=manager)
    found = build_twice(meeting, manager)
    key = f"plan:{hub['child'].pk}"
    assert found[key] == "ASSESSMENT_OVERDUE"
    # The child's item may lead with another reason (the fixture's return interview is
    # overdue too when the test runs late in the day): the plan's reason is among its own.
    item = item_with(meeting, key)
    titles = {s["key"]: s["title"] for s in item.sources} or {item.source_key: item.title}
    assert titles[key] == "Plan review overdue"


def test_flagged_by_a_worker_until_a_meeting_discusses_the_child(hub, personas):
    manager, worker = personas["team_manager"], personas["practitioner"]
    flag = actions.flag_for_meeting(
        hub["second"],
        "Seen getting into cars with older men",
        actor=worker,
        at=at(D - dt.timedelta(days=1), 15),
    )
    meeting = actions.start_meeting(daily(), D, actor=manager)
    found = build_twice(meeting, manager)
    assert found[f"flag:{flag.pk}"] == "FLAGGED"
    assert "Seen getting into cars" in item_with(meeting, f"flag:{flag.pk}").reason
    for item in meeting.items.current():
        actions.save_minutes(item, discussion="", decision="Noted.", actor=manager)
    actions.close_meeting(meeting, actor=manager)
    flag.refresh_from_db()
    assert flag.consumed_at is not None and flag.consumed_by.meeting == meeting
    assert f"flag:{flag.pk}" not in keys(
        actions.start_meeting(daily(), D + dt.timedelta(days=1), actor=manager)
    )


def test_overdue_actions_reach_the_meeting(hub, personas):
    manager = personas["team_manager"]
    task = tasks.agree_task(
        tasks.NewTask("Share the trigger plan", "POLICE", D - dt.timedelta(days=1), owner_name="PC Ellery"),
        [hub["child"], hub["second"]],
        actor=manager,
    )
    not_yet = tasks.agree_task(
        tasks.NewTask("Visit at school", "SOCIAL_CARE", D, owner_name="A Worker"),
        [hub["child"]],
        actor=manager,
    )
    meeting = actions.start_meeting(daily(), D, actor=manager)
    found = build_twice(meeting, manager)
    assert found[f"task:{task.pk}"] == "OVERDUE_ACTION"
    assert f"task:{not_yet.pk}" not in found
    item = item_with(meeting, f"task:{task.pk}")
    assert set(item.children.all()) == {hub["child"], hub["second"]}  # one item, both children
    later = actions.start_meeting(daily(), D + dt.timedelta(days=8), actor=manager)
    assert f"task:{task.pk}" in keys(later)  # still overdue a week on: back on the agenda


def test_a_removed_item_stays_removed_and_items_are_not_duplicated(hub, personas):
    manager = personas["team_manager"]
    meeting = actions.start_meeting(daily(), D, actor=manager)
    item = item_with(meeting, f"referral:{hub['open_referral'].pk}")
    actions.remove_item(item, actor=manager)
    assert actions.build_agenda(meeting, actor=manager) == []
    assert not meeting.items.current().filter(pk=item.pk).exists()
    assert AgendaItem.objects.filter(meeting=meeting, source_key=item.source_key).count() == 1


def test_one_daily_meeting_a_day(hub, personas):
    manager = personas["team_manager"]
    first = actions.start_meeting(daily(), D, actor=manager)
    assert actions.start_meeting(daily(), D, actor=personas["practitioner"]) == first
    assert Meeting.objects.filter(meeting_type__code="daily", date=D).count() == 1
    # Strategy discussions can be several a day.
    strategy = MeetingType.objects.get(code="strategy")
    a = actions.start_meeting(strategy, D, actor=manager, title="Operation Larch")
    b = actions.start_meeting(strategy, D, actor=manager, title="Operation Birch")
    assert a != b and a.items.count() == 0


def test_panels_use_their_own_rules(hub, personas):
    manager = personas["team_manager"]
    rmm = actions.start_meeting(MeetingType.objects.get(code="risk-management"), TODAY, actor=manager)
    assert keys(rmm) == {f"episode:{hub['episode'].pk}": "OPEN_CHILD"}  # every open child, nothing else
    panel = actions.start_meeting(MeetingType.objects.get(code="complex-safeguarding"), TODAY, actor=manager)
    assert keys(panel) == {}  # the open episode is allocated


def test_the_ceam_panel_sees_every_open_trigger_flag_and_high_risk_children(hub, personas):
    from cshub.casework import actions as casework

    manager, worker = personas["team_manager"], personas["missing_worker"]
    missing.record_missing_episode(
        hub["second"],
        missing.MissingReport(reported_at=at(TODAY - dt.timedelta(days=20), 21), police_risk="HIGH"),
        actor=worker,
    )
    casework.record_assessment(
        hub["episode"], casework.AssessmentRecord(TODAY - dt.timedelta(days=3), "HIGH"), actor=manager
    )
    ceam = actions.start_meeting(MeetingType.objects.get(code="ceam"), TODAY, actor=manager)
    found = build_twice(ceam, manager)
    assert sorted(found.values()) == ["HIGH_RISK", "MISSING_TRIGGER"]
    assert ceam.items.get(source_kind="MISSING_TRIGGER").children.get() == hub["second"]
    assert ceam.items.get(source_kind="HIGH_RISK").children.get() == hub["child"]
    # The daily meeting sees a trigger only in the 24 hours after it was raised.
    today = actions.start_meeting(daily(), TODAY, actor=manager)
    assert actions.build_agenda(today, actor=manager)  # the hub's meeting of today, built now
    assert "MISSING_TRIGGER" not in keys(today).values()
