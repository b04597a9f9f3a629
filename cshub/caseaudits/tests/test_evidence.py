"""What CSHub shows beside an audit's questions (issue 22, part B): one test per kind of
evidence, on the hub fixture's child, and a bound on the queries whatever the record's size."""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cshub.caseaudits.evidence import evidence_for
from cshub.caseaudits.tests.helpers import make_audit, one_question_template
from cshub.casework import actions as casework
from cshub.casework.models import Assessment, CaseSummary
from cshub.conftest import TODAY
from cshub.contact import actions as contact
from cshub.core.dates import LONDON, local_today
from cshub.meetings import actions as meetings
from cshub.notes import actions as notes
from cshub.people import actions as people
from cshub.supervision import actions as supervision
from cshub.tasks.actions import NewTask, agree_task

pytestmark = pytest.mark.django_db


def _note(hub: dict[str, Any], code: str, **extra: Any) -> Any:
    audit = make_audit(hub, auditor=hub["manager"], template=one_question_template(code), **extra)
    return evidence_for(audit)[code]


def test_case_summary_and_its_age(hub: dict[str, Any]) -> None:
    note = _note(hub, "CASE_SUMMARY")
    written = timezone.localdate(CaseSummary.objects.get(person=hub["child"]).written_at)
    assert (
        note.summary == f"Case summary written {written.day} {written:%B %Y} (0 days ago)"
        and not note.warning
    )
    # Noon on the London date 40 days ago: "days ago" counts London dates, and 40 days of
    # elapsed time back from late evening can cross the clock change into the day after.
    forty_days_ago = dt.datetime.combine(local_today() - dt.timedelta(days=40), dt.time(12), tzinfo=LONDON)
    CaseSummary.objects.filter(person=hub["child"]).update(written_at=forty_days_ago)
    stale = _note(hub, "CASE_SUMMARY")
    assert stale.warning and "(40 days ago)" in stale.summary
    assert stale.details == ["Older than the practice standard of 28 days"]


def test_chronology_counts_significant_entries(hub: dict[str, Any]) -> None:
    assert _note(hub, "CHRONOLOGY").summary == "No timeline entries marked significant"
    for entry in hub["child"].timeline.all()[:2]:
        people.mark_significant(entry, True, actor=hub["worker"])
    note = _note(hub, "CHRONOLOGY")
    assert note.summary == "2 timeline entries marked significant in the chronology" and not note.warning


def test_assessment_level_score_and_suggested_level(hub: dict[str, Any]) -> None:
    note = _note(hub, "ASSESSMENT")
    assert note.summary.startswith("Assessment completed") and note.summary.endswith(": Medium risk")
    Assessment.objects.filter(pk=hub["assessment"].pk).update(suggested_level="HIGH", reviewer=None)
    differs = _note(hub, "ASSESSMENT")
    assert differs.warning and "Suggested level: High" in differs.details
    assert "The level differs from the suggested level and no manager has reviewed it" in differs.details


def test_plan_actions_owners_and_dates(hub: dict[str, Any]) -> None:
    bare = _note(hub, "PLAN")
    assert bare.warning and bare.details == ["The plan has no actions with owners and dates"]
    task = agree_task(
        NewTask("Meet Kofi after school", "SOCIAL_CARE", TODAY + dt.timedelta(days=10), hub["worker"]),
        [hub["child"]],
        actor=hub["worker"],
    )
    hub["plan"].tasks.add(task)
    note = _note(hub, "PLAN")
    assert not note.warning and note.summary.endswith(": 1 action")
    assert note.details[0].startswith("Meet Kofi after school — Practitioner Persona (")


def test_child_voice_last_words_or_none(hub: dict[str, Any]) -> None:
    assert _note(hub, "CHILD_VOICE").summary == "No words of the child recorded"
    contact.record_voice(
        hub["child"],
        actor=hub["worker"],
        said="I want to go back to football.",
        how_gathered="DIRECT_WORK",
        gathered_on=TODAY - dt.timedelta(days=100),
    )
    old = _note(hub, "CHILD_VOICE")
    assert (
        old.warning
        and "“I want to go back to football.”" in old.details
        and "Older than 3 months" in old.details
    )
    contact.record_voice(
        hub["child"], actor=hub["worker"], said="School is better.", how_gathered="VISIT", gathered_on=TODAY
    )
    recent = _note(hub, "CHILD_VOICE")
    assert not recent.warning and recent.details == ["“School is better.”"]


def test_supervision_and_oversight(hub: dict[str, Any]) -> None:
    note = _note(hub, "SUPERVISION")
    assert "(20 days ago)" in note.summary and not note.warning
    assert note.details == ["No management oversight recorded"]
    supervision.record_oversight(hub["episode"], "Continue the plan", "Risk reducing", actor=hub["manager"])
    hub["supervision"].__class__.objects.filter(pk=hub["supervision"].pk).update(
        held_on=TODAY - dt.timedelta(days=40)
    )
    late = _note(hub, "SUPERVISION")
    assert late.warning and late.details[0].startswith("Management oversight last recorded")
    assert "Outside the practice standard of supervision every 28 days" in late.details


def test_language_phrases_found_and_where(hub: dict[str, Any]) -> None:
    assert (
        _note(hub, "LANGUAGE").summary == "No phrases from the language guidance found in the recent record"
    )
    casework.write_case_summary(
        hub["child"],
        casework.CaseSummaryText("Kofi is 15.", "Kofi keeps putting himself at risk.", "School", "Visits"),
        actor=hub["worker"],
    )
    notes.record_note(
        hub["child"],
        notes.NoteText(
            "PHONE_CALL", timezone.now() - dt.timedelta(days=1), "He is putting himself at risk again."
        ),
        actor=hub["worker"],
    )
    note = _note(hub, "LANGUAGE")
    assert note.warning and note.summary == "2 phrases from the language guidance found"
    assert any(d.startswith("“putting himself at risk” in the case summary of") for d in note.details)
    assert any(d.startswith("“putting himself at risk” in the case note of") for d in note.details)


def test_meeting_decisions(hub: dict[str, Any]) -> None:
    undecided = _note(hub, "MEETING_DECISIONS")
    assert undecided.warning and undecided.details[0].endswith(
        "Intelligence about an address — no decision recorded"
    )
    meetings.save_minutes(
        hub["item"], discussion="Address known", decision="Police to visit", actor=hub["manager"]
    )
    decided = _note(hub, "MEETING_DECISIONS")
    assert not decided.warning and decided.details[0].endswith("decision: Police to visit")


def test_return_interview_times_and_account(hub: dict[str, Any]) -> None:
    assert _note(hub, "RETURN_INTERVIEW").summary == "This audit is not about a return interview"
    note = _note(hub, "RETURN_INTERVIEW", return_interview=hub["interview"])
    assert note.summary == "Return interview: Completed"
    assert "24 hours after the return" in note.details and "The child's account is recorded" in note.details
    assert not note.warning


def test_evidence_takes_a_bounded_number_of_queries(hub: dict[str, Any]) -> None:
    audit = make_audit(hub, auditor=hub["manager"])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            notes_shown = evidence_for(audit)
        assert len(notes_shown) == 8
        return len(queries)

    def grow(n: int) -> None:
        for i in range(n):
            notes.record_note(
                hub["child"],
                notes.NoteText("PHONE_CALL", timezone.now() - dt.timedelta(days=i + 1), f"Visit {i}"),
                actor=hub["worker"],
            )
            contact.record_voice(
                hub["child"], actor=hub["worker"], said=f"Said {i}", how_gathered="VISIT", gathered_on=TODAY
            )
            task = agree_task(
                NewTask(f"Action {i}", "SOCIAL_CARE", TODAY + dt.timedelta(days=5), hub["worker"]),
                [hub["child"]],
                actor=hub["worker"],
            )
            hub["plan"].tasks.add(task)
            item = meetings.add_item(
                hub["meeting"], "INTELLIGENCE", f"Item {i}", [hub["child"]], actor=hub["manager"]
            )
            assert item.pk

    grow(12)
    small = count()
    grow(25)
    assert count() == small <= 30


def test_meeting_decisions_hide_an_item_naming_a_child_the_auditor_may_not_see(
    hub: dict[str, Any], personas: dict[str, Any]
) -> None:
    item = hub["item"]
    item.children.add(hub["restricted"])
    meetings.save_minutes(
        item, discussion="Seen together", decision="Tia to move out of area", actor=hub["manager"]
    )
    audit = make_audit(hub, auditor=hub["manager"], template=one_question_template("MEETING_DECISIONS"))
    # The manager is named on the restricted record: the item reads in full.
    assert (
        "decision: Tia to move out of area"
        in evidence_for(audit, hub["manager"])["MEETING_DECISIONS"].details[0]
    )
    # A missing-service worker not named on it: the item, but neither its title nor its decision.
    hidden = evidence_for(audit, personas["missing_worker"])["MEETING_DECISIONS"].details[0]
    assert "Tia" not in hidden and "names a child whose record you may not see" in hidden
    # An analyst does not read minutes at all.
    none = evidence_for(audit, personas["analyst"])["MEETING_DECISIONS"]
    assert none.summary.startswith("You do not have access to meeting minutes") and not none.details
