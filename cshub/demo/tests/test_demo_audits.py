"""The demo's case audits (issue 22): the rounds, their statuses, moderation with
disagreement and the demo users' to-do lists, made through the write path only."""

import datetime as dt
from pathlib import Path

import pytest

from cshub.access.models import User
from cshub.caseaudits.models import (
    Audit,
    AuditAnswer,
    AuditRole,
    AuditStatus,
    Finding,
    Question,
    Sample,
    SampleRule,
)
from cshub.demo import audits as demo_audits
from cshub.demo.generator import generate
from cshub.tasks.models import Source, Status, Task

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def city(db):
    return generate(seed=7, today=TODAY, years=1, referrals_per_year=60)


def test_the_demo_holds_a_completed_round_one_in_progress_a_peer_round_and_a_multi_agency_audit(city):
    rounds = {s.name: s for s in Sample.objects.all()}
    assert set(rounds) == {
        "Open cases, July 2026",
        "Open cases, October 2026",
        "Late return interviews, October 2026",
        "Multi-agency audit: sexual exploitation, October 2026",
    }
    user = {u.username: u for u in User.objects.all()}
    # Nobody audits their own case.
    assert not [a for a in Audit.objects.all() if a.auditor_id == a.case_worker_id]

    # Last quarter's round: two open episodes per worker, every audit completed within the
    # quarter with every question answered, grades spread, feedback to the worker.
    done = rounds["Open cases, July 2026"]
    assert done.rule == SampleRule.OPEN_PER_WORKER and done.per_stratum == 2
    audits = list(done.audits.all())
    assert len(audits) >= 12 and {a.status for a in audits} == {AuditStatus.COMPLETED}
    assert all(dt.date(2026, 8, 1) <= a.completed_at.date() <= dt.date(2026, 9, 30) for a in audits)
    questions = Question.objects.filter(section__template=done.template).count()
    assert all(AuditAnswer.objects.filter(audit=a).count() == questions for a in audits)
    primaries = [a for a in audits if a.role == AuditRole.PRIMARY]
    assert len({a.overall_grade for a in primaries}) >= 3
    assert all(a.rationale and a.feedback for a in primaries)
    assert {a.auditor.username for a in audits} <= {"manager", "senior.ffion", "senior.emrys"}
    # A stale or missing case summary is answered "No" or "Partly", never "Yes".
    summary_answers = AuditAnswer.objects.filter(audit__in=primaries, question__evidence="CASE_SUMMARY")
    assert summary_answers.filter(answer="NO").exists()
    # Moderated blind, with a disagreement and an agreement.
    pairs = [(a.moderates.overall_grade, a.overall_grade) for a in audits if a.role == AuditRole.MODERATION]
    assert len(pairs) >= 2
    assert any(p == m for p, m in pairs) and any(p != m for p, m in pairs)
    # Findings tagged with themes; the peer review's themes most often; learning actions
    # on the one actions list, done, open and overdue.
    findings = Finding.objects.filter(audit__sample=done)
    themes = [t.name for f in findings for t in f.themes.all()]
    assert findings.exists() and all(f.themes.exists() for f in findings)
    top = sorted(set(themes), key=themes.count, reverse=True)[:3]
    assert set(top) <= {"Case summaries", "Voice of the child", "Supervision and oversight"}
    actions = Task.objects.filter(source=Source.AUDIT, audit_findings__audit__sample=done)
    assert actions.filter(status=Status.DONE).exists()
    assert actions.filter(status=Status.OPEN, due_date__lt=TODAY).exists()
    assert actions.filter(status=Status.OPEN, due_date__gte=TODAY).exists()

    # This month's round: audits to do for the demo manager and practitioner, one started.
    doing = rounds["Open cases, October 2026"]
    assert doing.drawn_at.date() >= dt.date(2026, 11, 1)
    for name in ("manager", "practitioner"):
        assert doing.audits.open().filter(auditor=user[name]).exists()
    assert doing.audits.filter(status=AuditStatus.IN_PROGRESS, auditor=user["practitioner"]).count() == 1
    assert not doing.audits.completed().exists()

    # The peer round of late return interviews: the missing worker audits a colleague's.
    peer = rounds["Late return interviews, October 2026"]
    assert peer.rule == SampleRule.LATE_RETURN_INTERVIEWS
    assert set(peer.auditors.all()) == {user["missing"], user["missing.seren"]}
    assert peer.audits.filter(auditor=user["missing"], status=AuditStatus.COMPLETED).count() == 1
    assert all(a.return_interview_id for a in peer.audits.all())

    # Multi-agency: police and health answer their own sections; one done, one waiting.
    joint = rounds["Multi-agency audit: sexual exploitation, October 2026"]
    assert joint.template.name == "Multi-agency case audit"
    completed, waiting = joint.audits.order_by("pk")[:2]
    assert completed.status == AuditStatus.COMPLETED
    assert {(p.section.agency, p.auditor.username) for p in completed.parts.all()} >= {
        ("POLICE", "police"),
        ("HEALTH", "nurse"),
    }
    police_part = waiting.parts.get(section__agency="POLICE")
    assert police_part.auditor == user["police"] and police_part.submitted_at is None
    assert waiting.status == AuditStatus.IN_PROGRESS
    assert waiting.parts.exclude(section__agency="POLICE").filter(submitted_at__isnull=True).count() == 0

    # The demo practitioner's own cases: completed audits with feedback, one not read yet.
    mine = Audit.objects.primary().completed().filter(case_worker=user["practitioner"]).exclude(feedback="")
    assert mine.count() >= 2 and mine.filter(feedback_read_at__isnull=True).count() == 1


def test_the_demo_audits_are_made_through_the_write_path_and_only_once(city):
    source = Path(demo_audits.__file__).read_text()
    assert ".objects.create(" not in source and "bulk_create" not in source
    counts = (Sample.objects.count(), Audit.objects.count(), AuditAnswer.objects.count())
    assert counts[0] == 4
    users = {u.username: u for u in User.objects.all()}
    assert demo_audits.build_audits(users, TODAY, seed=7) == demo_audits.AuditsSummary()
    assert (Sample.objects.count(), Audit.objects.count(), AuditAnswer.objects.count()) == counts
