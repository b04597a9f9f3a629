"""The triage list "Not known to the hub": its order (four keys, in the database), the
return rule, and the decision (`register.actions.triage`)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cshub.audit.models import AuditEvent
from cshub.conftest import make_child, make_referral
from cshub.missing import actions as missing
from cshub.people.models import Person, TimelineEntry
from cshub.register import actions
from cshub.register.models import Triage
from cshub.register.queries import triage_rows
from cshub.register.tests.helpers import born, flag

pytestmark = pytest.mark.django_db


def listed() -> list[str]:
    now = timezone.now()
    return [p.forename for p in triage_rows(timezone.localdate(now), now)]


def went_missing(person: Person, actor, *, days_ago: float, risk: str) -> None:
    reported = timezone.now() - dt.timedelta(days=days_ago)
    missing.record_missing_episode(
        person,
        missing.MissingReport(
            reported_at=reported, returned_at=reported + dt.timedelta(hours=6), police_risk=risk
        ),
        actor=actor,
    )


# Each ordering test sets two children whose other keys all favour the one that must come
# second, so only the key under test puts the first one first.


def test_missing_graded_high_by_police_in_the_last_30_days_first(personas):
    worker, mw = personas["practitioner"], personas["missing_worker"]
    older = make_child(worker, "Ada", "Highfield", born=born(16))
    flag(older, "OTHER")
    went_missing(older, mw, days_ago=20, risk="HIGH")
    younger = make_child(worker, "Ben", "Manyflags", born=born(12))
    flag(younger, "CSE")
    flag(younger, "CCE", source="POLICE")
    went_missing(younger, mw, days_ago=5, risk="MEDIUM")  # recent, not graded high
    long_ago = make_child(worker, "Cat", "Longago", born=born(13))
    flag(long_ago, "CCE")
    flag(long_ago, "CSE", source="POLICE")
    went_missing(long_ago, mw, days_ago=45, risk="HIGH")  # graded high, too long ago
    assert listed() == ["Ada", "Ben", "Cat"]


def test_then_a_flag_of_sexual_or_criminal_exploitation(personas):
    worker = personas["practitioner"]
    older = make_child(worker, "Ada", "Crimmond", born=born(16))
    flag(older, "CCE")
    younger = make_child(worker, "Ben", "Twoflags", born=born(12))
    flag(younger, "GANGS")
    flag(younger, "MISSING", source="POLICE")
    assert listed() == ["Ada", "Ben"]


def test_then_two_flags_or_more(personas):
    worker = personas["practitioner"]
    older = make_child(worker, "Ada", "Twice", born=born(16))
    flag(older, "GANGS")
    flag(older, "TRAFFICKING", source="POLICE")
    younger = make_child(worker, "Ben", "Once", born=born(12))
    flag(younger, "GANGS")
    # An ended flag is not in force: one flag, after Ada.
    flag(younger, "MISSING", flagged_on=born(0.5), ended_on=born(0.1))
    assert listed() == ["Ada", "Ben"]


def test_then_younger_first(personas):
    worker = personas["practitioner"]
    older = make_child(worker, "Ada", "Elder", born=born(16))  # the lower id
    flag(older, "TRAFFICKING")
    younger = make_child(worker, "Ben", "Younger", born=born(13))
    flag(younger, "TRAFFICKING")
    assert older.pk < younger.pk
    assert listed() == ["Ben", "Ada"]


def test_only_children_the_hub_has_never_known_with_a_flag_in_force(personas):
    worker = personas["practitioner"]
    referred = make_child(worker, "Ria", "Referwell")
    make_referral(referred, worker)
    flag(referred, "CCE")
    ended = make_child(worker, "Eve", "Ended")
    flag(ended, "CCE", flagged_on=born(1), ended_on=born(0.5))
    later = make_child(worker, "Lou", "Later")
    flag(later, "CCE", flagged_on=born(-0.1))  # not in force until next month
    never = make_child(worker, "Nell", "Neverby")
    flag(never, "CCE")
    assert listed() == ["Nell"]


def test_the_return_rule(personas):
    """Decided → off the list; a flag recorded before the decision (however late its date)
    keeps them off; a flag recorded after it brings them back, saying since when."""
    worker = personas["practitioner"]
    child = make_child(worker, "Nell", "Neverby")
    flag(child, "CCE")
    assert listed() == ["Nell"]
    decision = actions.triage(
        child, decision="NOT_FOR_HUB", reason="Early help are working with Nell.", actor=worker
    )
    assert listed() == []
    # Recorded before the decision (an import that brought an older flag, for instance).
    flag(child, "CSE", source="POLICE", recorded_at=decision.decided_at - dt.timedelta(minutes=5))
    assert listed() == []
    flag(
        child, "GANGS", source="YOUTH_JUSTICE", recorded_at=decision.decided_at + dt.timedelta(microseconds=1)
    )
    now = timezone.now()
    (row,) = triage_rows(timezone.localdate(now), now)
    assert row.pk == child.pk and row.last_decided_at == decision.decided_at  # type: ignore[attr-defined]
    # Decided again: off the list again.
    actions.triage(child, decision="MEETING", reason="Three agencies now worry about Nell.", actor=worker)
    assert listed() == []


def test_a_flag_recorded_after_but_no_longer_in_force_does_not_bring_them_back(personas):
    worker = personas["practitioner"]
    child = make_child(worker, "Nell", "Neverby")
    flag(child, "CCE")
    decision = actions.triage(
        child, decision="NOT_FOR_HUB", reason="Early help are working with Nell.", actor=worker
    )
    flag(
        child,
        "CSE",
        flagged_on=born(1),
        ended_on=born(0.5),
        recorded_at=decision.decided_at + dt.timedelta(microseconds=1),
    )
    assert listed() == []


def test_the_decision_is_audited_and_on_the_timeline(personas):
    worker = personas["practitioner"]
    child = make_child(worker, "Nell", "Neverby")
    flag(child, "CCE")
    made = actions.triage(
        child, decision="MEETING", reason="  Seen with older boys at the station.  ", actor=worker
    )
    assert made.reason == "Seen with older boys at the station."
    assert made.decided_by == worker and made.agenda_item is None
    event = AuditEvent.objects.get(object_type="register.triage", object_id=str(made.pk))
    assert event.action == "CREATE" and event.child_id == child.pk and event.detail == {"decision": "MEETING"}
    entry = TimelineEntry.objects.get(person=child, source_type="register.triage")
    assert entry.kind == "FLAGGED_FOR_MEETING"
    assert "whole-area register" in entry.summary and "Seen with older boys" in entry.summary

    other = make_child(worker, "Ola", "Otherby")
    flag(other, "GANGS")
    made = actions.triage(other, decision="NOT_FOR_HUB", reason="Youth justice hold the case.", actor=worker)
    entry = TimelineEntry.objects.get(person=other, source_type="register.triage")
    assert entry.kind == "AREA_FLAG" and "not for the hub" in entry.summary


def test_refused_without_a_reason_twice_or_for_a_child_not_on_the_list(personas):
    worker = personas["practitioner"]
    child = make_child(worker, "Nell", "Neverby")
    flag(child, "CCE")
    with pytest.raises(ValidationError) as err:
        actions.triage(child, decision="MEETING", reason="   ", actor=worker)
    assert "reason" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        actions.triage(child, decision="MAYBE", reason="Not sure.", actor=worker)
    assert "decision" in err.value.message_dict
    actions.triage(child, decision="MEETING", reason="Worried.", actor=worker)
    with pytest.raises(ValidationError):  # the same decision sent twice
        actions.triage(child, decision="MEETING", reason="Worried.", actor=worker)
    known = make_child(worker, "Ria", "Referwell")
    make_referral(known, worker)
    flag(known, "CCE")
    with pytest.raises(ValidationError):
        actions.triage(known, decision="NOT_FOR_HUB", reason="Known.", actor=worker)
    assert Triage.objects.count() == 1


@pytest.mark.parametrize("role", ["missing_worker", "analyst"])
def test_only_those_who_manage_the_register_decide(personas, role):
    child = make_child(personas["practitioner"], "Nell", "Neverby")
    flag(child, "CCE")
    with pytest.raises(PermissionDenied):
        actions.triage(child, decision="MEETING", reason="Worried.", actor=personas[role])
    assert not Triage.objects.exists()
