"""Persona fixtures: one user per role, and a small hub of records made through the actions."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from cshub.access.actions import create_api_token, create_user
from cshub.access.models import User
from cshub.access.testing import sign_in_verified
from cshub.casework import actions as casework
from cshub.people import actions as people
from cshub.referrals import actions as referrals

ROLES = ["practitioner", "team_manager", "missing_worker", "analyst", "strategic_lead", "sysadmin"]
AGENCY = {
    "practitioner": "SOCIAL_CARE",
    "team_manager": "SOCIAL_CARE",
    "missing_worker": "MISSING_SERVICE",
    "analyst": "SOCIAL_CARE",
    "strategic_lead": "SOCIAL_CARE",
    "sysadmin": "SOCIAL_CARE",
}
TODAY = dt.date.today()  # noqa: DTZ011


@pytest.fixture
def personas(db: Any) -> dict[str, User]:
    return {
        role: create_user(
            f"{role}.user",
            agency=AGENCY[role],
            roles=[role],
            actor=None,
            first_name=role.replace("_", " ").title(),
            last_name="Persona",
            password="a-long-test-password-1",
        )
        for role in ROLES
    }


@pytest.fixture
def client_for(personas: dict[str, User]) -> Callable[[str], Client]:
    def make(role: str) -> Client:
        return sign_in_verified(Client(), personas[role])

    return make


def make_child(
    actor: User, forename: str = "Kofi", surname: str = "Ashcombe", born: dt.date | None = None, **extra: Any
) -> Any:
    return people.create_person(
        people.PersonDetails(
            forename=forename,
            surname=surname,
            date_of_birth=born or TODAY - dt.timedelta(days=15 * 365),
            sex="M",
            **extra,
        ),
        actor=actor,
    )


def make_referral(child: Any, actor: User, days_ago: int = 30, kind: str = "CCE") -> Any:
    return referrals.record_referral(
        child,
        referrals.ReferralDetails(
            received_date=TODAY - dt.timedelta(days=days_ago),
            primary_type=kind,
            concerns="Adults are using the child to carry drugs to another town.",
        ),
        actor=actor,
    )


@pytest.fixture
def hub(personas: dict[str, User]) -> dict[str, Any]:
    """A child with a referral, an open allocated episode and a case summary; a second child
    with a referral opened but no episode yet; a restricted child."""
    manager, worker = personas["team_manager"], personas["practitioner"]
    child = make_child(worker)
    referral = make_referral(child, worker)
    referrals.decide_referral(
        referral,
        "OPEN",
        "Meets threshold: specific indicators of CCE.",
        actor=manager,
        decision_date=TODAY - dt.timedelta(days=28),
    )
    episode = casework.open_episode(
        referral, actor=manager, open_date=TODAY - dt.timedelta(days=28), allocated_worker=worker
    )
    casework.write_case_summary(
        child, casework.CaseSummaryText("Who", "Risks", "Working", "Plan"), actor=worker
    )
    second = make_child(worker, "Amara", "Brambleford")
    open_referral = make_referral(second, worker, days_ago=3, kind="CSE")
    referrals.decide_referral(open_referral, "OPEN", "Meets threshold.", actor=manager)
    restricted = make_child(worker, "Tia", "Cinderwick")
    people.set_restriction(restricted, True, "Relative of staff", actor=manager)
    from cshub.interchange.models import CodeMapping, ImportRun

    import_run = ImportRun.objects.create(source="history.zip")
    code_mapping = CodeMapping.objects.create(
        table="person", column="pers_ethnicity", value="ORAB", value_key="orab", code="OOTH"
    )
    from django.utils import timezone

    from cshub.missing import actions as missing

    returned = timezone.now() - dt.timedelta(hours=30)
    earlier = missing.record_missing_episode(
        child,
        missing.MissingReport(
            reported_at=returned - dt.timedelta(days=20), returned_at=returned - dt.timedelta(days=19)
        ),
        actor=worker,
    )
    interview = missing.record_return_interview(
        earlier,
        missing.InterviewRecord(
            outcome="COMPLETED",
            completed_at=returned - dt.timedelta(days=18),
            child_account="An older lad gave me a phone.",
        ),
        actor=manager,
    )
    missing_episode = missing.record_missing_episode(
        child,
        missing.MissingReport(reported_at=returned - dt.timedelta(hours=9), returned_at=returned),
        actor=worker,
    )
    pending = make_referral(child, worker, days_ago=1, kind="SERIOUS_VIOLENCE")
    token, _ = create_api_token(worker, "test", actor=worker)
    grant = restricted.access_grants.get()
    from cshub.tasks import actions as tasks

    task = tasks.agree_task(
        tasks.NewTask("Visit the child at school", "SOCIAL_CARE", TODAY + dt.timedelta(days=7), owner=worker),
        [child],
        actor=manager,
    )
    from cshub.assessments import actions as assessments

    assessment = assessments.record_risk_assessment(
        episode,
        assessments.RiskAssessment(
            completed_date=TODAY - dt.timedelta(days=7),
            risk_level="MEDIUM",
            child_view="I just want to be left alone by them.",
            analysis="Adults are using Kofi to carry drugs to another town.",
            findings={
                "county-lines": assessments.Evidence(
                    "Found in a flat in another town by police", "PC Ellery, police", "POLICE", TODAY
                )
            },
            rationale="Indicators score low, but he was found 40 miles away with adults.",
        ),
        actor=worker,
    )
    from cshub.supervision import actions as supervision_actions

    supervision = supervision_actions.record_supervision(
        episode,
        supervision_actions.SupervisionRecord(
            kind="INDIVIDUAL",
            held_on=TODAY - dt.timedelta(days=20),
            supervisee=worker,
            discussion="First month of work with Kofi.",
            decisions="Complete the assessment.",
        ),
        actor=manager,
    )
    from cshub.plans import actions as plans

    plan = plans.write_plan(
        episode,
        plans.PlanText(
            "Kofi is safe from the adults using him.",
            "Kofi in school every day.",
            "If missing overnight, police check the flat.",
        ),
        actor=worker,
    )
    from cshub.contact import actions as contact

    member = contact.add_team_member(
        episode,
        actor=worker,
        name="Dr Asha Patel",
        agency="HEALTH",
        role="School nurse",
        from_date=TODAY,
        lead=False,
    )
    nrm = contact.record_nrm(child, actor=worker, referred_on=TODAY, first_responder="Police")
    from cshub.meetings import actions as meetings
    from cshub.meetings.models import MeetingType

    meeting = meetings.start_meeting(MeetingType.objects.get(code="daily"), TODAY, actor=manager, build=False)
    item = meetings.add_item(meeting, "INTELLIGENCE", "Intelligence about an address", [child], actor=manager)
    shared = meetings.share_information(
        item, "POLICE", "Seen with older youths.", "SAFEGUARDING", actor=manager
    )
    proposed = meetings.add_action(
        item, meetings.ProposedAction("Visit", TODAY + dt.timedelta(days=3), owner=worker), actor=manager
    )
    attendance = meetings.record_attendance(meeting, "POLICE", "DC Example", actor=manager)
    held = missing.receive_report_about(
        missing.ReportedChild("Kofi", "Ashcombe"),
        missing.MissingReport(
            reported_at=timezone.now() - dt.timedelta(hours=3), police_reference="GMP-HELD-1"
        ),
        actor=worker,
    )[1]
    from cshub.register import actions as register
    from cshub.register.models import HeldFlag

    # About the second child, so the first child's timeline stays as the other tests read it.
    area_flag = register.record_flag(
        second, source="SCHOOL", concern="CCE", flagged_on=TODAY, holder="SCHOOL", actor=worker
    )
    held_flag = HeldFlag.objects.create(
        origin="import:SCHOOL:HELD-1:CCE",
        forename="Kofi",
        surname="Ashcombe",
        flag={"source": "SCHOOL", "concern": "CCE", "flagged_on": TODAY.isoformat(), "holder": "SCHOOL"},
        received_by=manager,
    )
    from types import SimpleNamespace

    from cshub.intelligence import actions as intelligence

    subject = intelligence.create_subject(
        intelligence.SubjectDetails(kind="PLACE", name="Station car park", place_kind="CAR_PARK"),
        actor=worker,
    )
    link = intelligence.record_link(
        intelligence.LinkDetails(
            subject=subject, link_type="SEEN_AT", source_type="CASE_NOTE", child_id=child.pk
        ),
        actor=worker,
    )
    from cshub.disruption import actions as disruption

    # No child named on it: the child's timeline stays as the other tests read it.
    disrupted = disruption.record_disruption(
        disruption.DisruptionDetails(
            subject=subject,
            disruption_type="CLOSURE",
            on=TODAY,
            agency="POLICE",
            officer=worker,
            status="DONE",
            outcome="SUCCESSFUL",
            expires_on=TODAY + dt.timedelta(days=90),
        ),
        actor=worker,
    )
    operation = disruption.open_operation(
        disruption.OperationDetails(
            "Operation Lantern",
            "Keep the children away from the car park.",
            TODAY,
            (child.pk,),
            (),
            (manager.pk,),
        ),
        actor=worker,
    )
    from cshub.notes import actions as notes

    # About the second child, so the first child's timeline stays as the other tests read it.
    case_note = notes.record_note(
        second,
        notes.NoteText("PHONE_CALL", timezone.now() - dt.timedelta(days=2), "Spoke to Amara's aunt."),
        actor=worker,
    )

    from cshub.consultations import actions as consultations

    call = consultations.ConsultationDetails(
        timezone.now() - dt.timedelta(days=1), "PHONE", "EDUCATION", "Talk to the school.", "ADVICE_ONLY"
    )
    consultation = consultations.record_consultation(call, person=second, actor=worker)
    anonymous_consultation = consultations.record_consultation(call, actor=worker)

    from cshub.documents import samples, storage
    from cshub.documents.models import Document

    letter = samples.pdf(["A letter from the school."])
    document = Document.objects.create(
        person=child,
        kind="LETTER",
        title="Letter from the school",
        original_name="letter.pdf",
        stored_name=storage.store(letter),
        content_type="application/pdf",
        size=len(letter),
        sha256="0" * 64,
        scan_status="CLEAN",
        uploaded_by=worker,
    )

    from cshub.retention.models import LegalHold, RetentionRule
    from cshub.subjectaccess.models import ReviewItem, SubjectAccessRequest

    legal_hold = LegalHold.objects.create(person=second, reason="Inquiry", placed_by=manager)
    subject_access = SubjectAccessRequest.objects.create(person=child, created_by=manager)
    review_item = ReviewItem.objects.create(
        request=subject_access,
        kind="DOCUMENT",
        key=f"document:{document.pk}",
        text="Letter",
        where="Document",
    )

    # Case audits (issue 22): a draft template with a section and a question, the seeded hub
    # case audit template, a round of one audit allocated to the manager about the worker's
    # case (every section the manager's), a finding with a theme.
    from cshub.caseaudits import models as qa

    draft_template = qa.AuditTemplate.objects.create(name="Draft audit", created_by=manager)
    audit_section = qa.TemplateSection.objects.create(template=draft_template, position=1, title="The record")
    audit_question = qa.Question.objects.create(
        section=audit_section, position=1, text="Is there a case summary?", evidence="CASE_SUMMARY"
    )
    published_template = qa.AuditTemplate.objects.get(name="Hub case audit", version=1)
    theme = qa.Theme.objects.get(name="Case summaries")
    sample = qa.Sample.objects.create(
        name="Open cases, this month",
        template=published_template,
        rule=qa.SampleRule.OPEN_PER_WORKER,
        per_stratum=1,
        period_start=TODAY.replace(day=1),
        period_end=TODAY,
        seed=20261130,
        due_date=TODAY + dt.timedelta(days=14),
        drawn=[f"episode:{episode.pk}"],
        drawn_by=manager,
    )
    sample.auditors.add(manager)
    case_audit = qa.Audit.objects.create(
        template=published_template,
        sample=sample,
        person=child,
        episode=episode,
        case_worker=worker,
        auditor=manager,
        due_date=sample.due_date,
        allocated_by=manager,
    )
    for section in published_template.sections.all():
        qa.AuditPart.objects.create(audit=case_audit, section=section, auditor=manager)
    audit_part = case_audit.parts.first()
    finding = qa.Finding.objects.create(
        audit=case_audit, kind=qa.FindingKind.IMPROVE, text="The summary is a year old.", recorded_by=manager
    )
    finding.themes.add(theme)

    # Reports and returns (issue 23): a team (the manager and the practitioner in it), a
    # course the practitioner's role needs (valid 12 months), a record of it for the
    # practitioner, and a version of the visit standard.
    from cshub.standards.models import PracticeStandard, StandardCode
    from cshub.workforce import models as wf

    team = wf.Team.objects.create(name="Complex Safeguarding Team", manager=manager)
    for staff in (manager, worker):
        wf.Membership.objects.create(user=staff, team=team, since=TODAY - dt.timedelta(days=365))
    course = wf.Course.objects.create(name="Child exploitation: recognising the signs", valid_months=12)
    course_requirement = wf.CourseRequirement.objects.create(course=course, role="practitioner")
    training_record = wf.TrainingRecord.objects.create(
        user=worker,
        course=course,
        completed_on=TODAY - dt.timedelta(days=100),
        expires_on=TODAY - dt.timedelta(days=100) + dt.timedelta(days=365),
        provider="The safeguarding partnership",
        recorded_by=manager,
    )
    practice_standard = PracticeStandard.objects.create(
        code=StandardCode.VISIT,
        version=1,
        days=10,
        effective_from=TODAY - dt.timedelta(days=400),
        reason="The hub's standard since it opened.",
        set_by=manager,
    )
    from cshub.crossborder import testing as crossborder  # issue 24, part C

    cross_border_match = crossborder.make_match(child, confirmed_by=manager)
    cross_border_pending = crossborder.make_match(child, crossborder.other_hub("salford", "Salford hub"))
    cross_border_request = crossborder.receive_request(cross_border_match)

    return {
        "cross_border_match": cross_border_match,
        "cross_border_pending": cross_border_pending,
        "cross_border_request": cross_border_request,
        "team": team,
        "course": course,
        "course_requirement": course_requirement,
        "training_record": training_record,
        "practice_standard": practice_standard,
        "audit_template": draft_template,
        "audit_section": audit_section,
        "audit_question": audit_question,
        "published_template": published_template,
        "theme": theme,
        "sample": sample,
        "case_audit": case_audit,
        "audit_part": audit_part,
        "finding": finding,
        "retention_rule": RetentionRule.objects.get(record_type="CHILD"),
        "legal_hold": legal_hold,
        "subject_access": subject_access,
        "review_item": review_item,
        "case_note": case_note,
        "consultation": consultation,
        "anonymous_consultation": anonymous_consultation,
        "document": document,
        "disruption": disrupted,
        "operation": operation,
        "subject": subject,
        "link": link,
        "figure": SimpleNamespace(pk="missing.reports"),
        "compliance_standard": SimpleNamespace(pk="visit"),
        "held": held,
        "area_flag": area_flag,
        "held_flag": held_flag,
        "meeting": meeting,
        "item": item,
        "shared": shared,
        "proposed": proposed,
        "attendance": attendance,
        "child": child,
        "member": member,
        "nrm": nrm,
        "plan": plan,
        "supervision": supervision,
        "assessment": assessment,
        "referral": referral,
        "episode": episode,
        "second": second,
        "open_referral": open_referral,
        "pending_referral": pending,
        "import_run": import_run,
        "code_mapping": code_mapping,
        "missing_episode": missing_episode,
        "interview": interview,
        "restricted": restricted,
        "token": token,
        "entry": child.timeline.first(),
        "grant": grant,
        "task": task,
        "worker": worker,
        "manager": manager,
    }


@pytest.fixture
def live_db(transactional_db: Any, django_db_serialized_rollback: Any) -> Any:
    """A database whose writes really commit, for tests that send requests to a live server
    or run actions in threads; restored to its migrated state before each such test.

    Django empties the tables after each such test. PostgreSQL does it with TRUNCATE, which
    the audit trail's append-only triggers leave alone; SQLite deletes rows, which they
    refuse. On SQLite the delete trigger is lifted for that moment and put back before the
    next test (these tests run after all others, as pytest-django orders them)."""
    import importlib

    from django.db import connection

    append_only = importlib.import_module("cshub.audit.migrations.0002_append_only")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
            cursor.execute(append_only.SQLITE[1])
    yield
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")


@pytest.fixture(autouse=True, scope="session")
def _documents_in_tmp(tmp_path_factory: Any) -> None:
    """Documents the tests store go to a temporary folder, not var/documents."""
    from django.conf import settings

    settings.CSHUB_DOCUMENTS_DIR = tmp_path_factory.mktemp("documents")


@pytest.fixture(autouse=True)
def _fresh_name_dictionary() -> None:
    """Each process keeps the search dictionary in memory; a test's words are rolled back
    with its transaction, so every test starts with an empty copy."""
    from cshub.people.names import DICTIONARY

    DICTIONARY.reset()
