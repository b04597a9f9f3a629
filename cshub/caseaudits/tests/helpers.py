"""Shared by part B's tests: audits made in the database (allocation is part C's)."""

import datetime as dt
from typing import Any

from cshub.access.actions import create_user
from cshub.access.models import User
from cshub.caseaudits import actions
from cshub.caseaudits.models import (
    Audit,
    AuditPart,
    AuditRole,
    AuditTemplate,
    Question,
    TemplateSection,
)
from cshub.conftest import TODAY


def user(username: str, role: str, agency: str = "SOCIAL_CARE") -> User:
    return create_user(
        username,
        agency=agency,
        roles=[role],
        actor=None,
        first_name=username.title(),
        last_name="Auditor",
        password="a-long-test-password-1",
    )


def make_audit(
    hub: dict[str, Any],
    *,
    auditor: User,
    template: AuditTemplate | None = None,
    section_auditors: dict[str, User] | None = None,
    moderates: Audit | None = None,
    person: Any = None,
    **extra: Any,
) -> Audit:
    """An audit of the hub child's episode (worker's practice), one part per section: the
    lead's, or for a section with an agency, that agency's auditor."""
    template = template or hub["published_template"]
    audit = Audit.objects.create(
        template=template,
        person=person or hub["child"],
        episode=hub["episode"],
        case_worker=hub["worker"],
        auditor=auditor,
        role=AuditRole.MODERATION if moderates else AuditRole.PRIMARY,
        moderates=moderates,
        due_date=TODAY + dt.timedelta(days=14),
        allocated_by=hub["manager"],
        **extra,
    )
    for section in template.sections.all():
        who = (section_auditors or {}).get(section.agency, auditor) if section.agency else auditor
        AuditPart.objects.create(audit=audit, section=section, auditor=who)
    return audit


def answers(part: AuditPart, answer: str = "YES", grade: str = "GOOD", comment: str = "") -> dict[int, Any]:
    return {
        q.pk: actions.AnswerInput(answer, grade, comment)
        for q in Question.objects.filter(section_id=part.section_id)
    }


def submit_all(audit: Audit, comment: str = "") -> None:
    for part in audit.parts.filter(submitted_at__isnull=True).select_related("auditor", "audit"):
        actions.save_part(part, answers(part, comment=comment), actor=part.auditor, submit=True)


def complete(audit: Audit, grade: str = "GOOD", rationale: str = "Good work, well recorded.") -> Audit:
    submit_all(audit)
    audit.refresh_from_db()
    return actions.complete_audit(
        audit,
        overall_grade=grade,
        rationale=rationale,
        feedback="Keep the summary current.",
        actor=audit.auditor,
    )


def one_question_template(evidence: str, subject: str = "EPISODE") -> AuditTemplate:
    template, made = AuditTemplate.objects.get_or_create(
        name=f"Evidence {evidence}", defaults={"subject": subject, "status": "PUBLISHED"}
    )
    if not made:
        return template
    section = TemplateSection.objects.create(template=template, position=1, title="The record")
    Question.objects.create(section=section, position=1, text=f"About {evidence}", evidence=evidence)
    return template
