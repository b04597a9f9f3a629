"""Who sees what of an audit (part B of issue 22), before the child's own rule
(cshub.people.access) is applied on top.

- FULL: every section's answers, the overall grade, findings and actions.
- SECTIONS: only the user's own sections (a section auditor of an open multi-agency audit).
- STATUS: the audit's status and progress, no answers (a manager while it is open, or
  anyone moderating the other audit of a moderation pair until both are completed).
- FEEDBACK: the grade, rationale, findings and feedback (the audited worker, once completed).
"""

from enum import Enum

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.caseaudits.models import Audit, AuditPart, AuditRole, AuditStatus


class Mode(Enum):
    FULL = "full"
    SECTIONS = "sections"
    STATUS = "status"
    FEEDBACK = "feedback"


def is_auditor(user: User, audit: Audit) -> bool:
    """The lead auditor, or an auditor of one of its sections."""
    return audit.auditor_id == user.pk or AuditPart.objects.filter(audit=audit, auditor=user).exists()


def partner(audit: Audit) -> Audit | None:
    """The other audit of a moderation pair: the primary's moderation, or what a moderation moderates."""
    if audit.role == AuditRole.MODERATION:
        return audit.moderates
    return audit.moderations.filter(role=AuditRole.MODERATION).exclude(status=AuditStatus.CANCELLED).first()


def pair_completed(audit: Audit, other: Audit | None) -> bool:
    return other is not None and audit.status == other.status == AuditStatus.COMPLETED


def blinded(user: User, audit: Audit) -> bool:
    """An auditor of the other audit of the pair, until both are completed: grades blind."""
    other = partner(audit)
    return other is not None and not pair_completed(audit, other) and is_auditor(user, other)


def mode_for(user: User, audit: Audit) -> Mode | None:
    """What this user sees of the audit; None: nothing (the page is not found)."""
    if audit.status == AuditStatus.CANCELLED and not user.has(Perm.MANAGE_AUDITS):
        return None
    if audit.auditor_id == user.pk:
        return Mode.FULL
    if AuditPart.objects.filter(audit=audit, auditor=user).exists():
        return Mode.FULL if audit.status == AuditStatus.COMPLETED else Mode.SECTIONS
    if user.has(Perm.MANAGE_AUDITS):
        if audit.status == AuditStatus.COMPLETED and not blinded(user, audit):
            return Mode.FULL
        return Mode.STATUS
    if (
        audit.case_worker_id == user.pk
        and audit.role == AuditRole.PRIMARY
        and audit.status == AuditStatus.COMPLETED
    ):
        return Mode.FEEDBACK
    return None


def may_compare(user: User, primary: Audit, moderation: Audit) -> bool:
    """The side-by-side comparison: once both are completed, to their auditors and managers."""
    if not pair_completed(primary, moderation):
        return False
    return user.has(Perm.MANAGE_AUDITS) or is_auditor(user, primary) or is_auditor(user, moderation)
