"""`cshub bench load`: its checker catches what it is for (fed fabricated logs: a lost
write, a duplicate, a 5xx, an autosave that did not stay), and a tiny run against the real
server (`cshub serve`) with writers and an import on the side finds none. Behaviour, not
timing."""

from pathlib import Path
from typing import Any

import pytest

from cshub.demo import load_bench
from cshub.demo.load_bench import Sample, Write
from cshub.notes.models import CaseNote


def _honest_log(hub: dict[str, Any]) -> list[Write]:
    episode, note, item = hub["missing_episode"], hub["case_note"], hub["item"]
    episode.police_reference = "LB-REF-1"
    episode.save(update_fields=["police_reference"])
    note.body += " LBN-marker-1"
    note.save(update_fields=["body"])
    item.discussion = "the last text"
    item.save(update_fields=["discussion"])
    return [
        Write("missing report", "LB-REF-1", "LB-REF-1", episode.pk, 1),
        Write("missing report", "LB-REF-1", "LB-REF-1", episode.pk, 2),  # sent again: same episode
        Write("case note", "LBN-marker-1", "LBN-marker-1", note.pk, 3),
        Write("meeting autosave", str(item.pk), "an earlier text", item.pk, 4),
        Write("meeting autosave", str(item.pk), "the last text", item.pk, 5),
    ]


@pytest.mark.django_db
def test_an_autosave_that_got_no_answer_may_be_what_the_item_holds(hub: dict[str, Any]):
    log = _honest_log(hub)
    item = hub["item"]
    # A later autosave that got no answer and was not saved: the last acknowledged text stays.
    never_saved = Write("meeting autosave", str(item.pk), "sent, never saved", None, 6)
    assert load_bench.check([*log, never_saved], []).clean
    # One that got no answer but was saved.
    item.discussion = "sent, then the client timed out"
    item.save(update_fields=["discussion"])
    unanswered = Write("meeting autosave", str(item.pk), "sent, then the client timed out", None, 6)

    assert load_bench.check([*log, unanswered], []).clean
    assert load_bench.check(log, []).lost == [
        f"agenda item {item.pk}: its last acknowledged autosave is not what it holds"
    ]


@pytest.mark.django_db
def test_the_checker_finds_nothing_in_an_honest_log(hub: dict[str, Any]):
    findings = load_bench.check(_honest_log(hub), [Sample("read", 10.0, 200), Sample("case note", 9.0, 302)])

    assert findings.clean, findings


@pytest.mark.django_db
def test_the_checker_catches_a_lost_write_a_duplicate_and_a_5xx(hub: dict[str, Any]):
    log = _honest_log(hub)
    episode, note, item = hub["missing_episode"], hub["case_note"], hub["item"]
    missing_pk = episode.pk + 10_000
    fabricated = [
        # Acknowledged with an id the database does not hold: lost.
        Write("missing report", "LB-REF-2", "LB-REF-2", missing_pk, 6),
        # The same reference answered as another episode: a duplicate (and that one is lost).
        Write("missing report", "LB-REF-1", "LB-REF-1", missing_pk, 7),
        # A note acknowledged, not in the database.
        Write("case note", "LBN-never-stored", "LBN-never-stored", note.pk + 10_000, 8),
        # An autosave acknowledged after the last one the item holds: lost.
        Write("meeting autosave", str(item.pk), "a later text", item.pk, 9),
    ]
    # The same note's marker in a second note: a duplicate.
    CaseNote.objects.create(
        person=note.person, author=note.author, kind=note.kind, occurred_at=note.occurred_at, body=note.body
    )

    findings = load_bench.check(
        log + fabricated, [Sample("missing report", 5.0, 500), Sample("read", 1.0, 200)]
    )

    assert findings.server_errors == ["missing report: 500"]
    assert findings.duplicates == [
        "police reference LB-REF-1: answered as 2 episodes",
        "case note LBN-marker-1: 2 notes",
    ]
    assert findings.lost == [
        f"police reference LB-REF-1: episode {missing_pk} answered, not in the database",
        f"police reference LB-REF-2: episode {missing_pk} answered, not in the database",
        f"case note LBN-never-stored: note {note.pk + 10_000} answered, not in the database",
        f"agenda item {item.pk}: its last acknowledged autosave is not what it holds",
    ]


@pytest.mark.usefixtures("live_db")
def test_a_tiny_run_with_writers_and_a_side_import_loses_nothing(tmp_path: Path):
    run = load_bench.run_load(
        scale="tiny", clients=6, seconds=4, workers=2, log_dir=tmp_path, say=lambda _: None
    )

    assert run.findings.clean, load_bench.report(run)
    kinds = {w.kind for w in run.writes}
    assert kinds == {"missing report", "meeting autosave", "case note"}
    reports = [w for w in run.writes if w.kind == "missing report"]
    assert len(reports) > len({w.key for w in reports})  # references were sent again
    answered = {"read": {200}, "missing report": {200, 201}, "meeting autosave": {200}, "case note": {302}}
    assert {s.status for s in run.samples} - set().union(*answered.values()) == set()
    assert all(s.status in answered[s.kind] for s in run.samples), load_bench.report(run)
    assert "exit status 0, 1 import recorded" in run.side_import
    lines = load_bench.report(run)
    assert any(line.startswith("| missing report |") for line in lines)
