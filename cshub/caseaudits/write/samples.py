"""Dip samples and allocation (part C of issue 22). Atomic, audited, Perm.MANAGE_AUDITS."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from cshub.access.models import User
from cshub.caseaudits.models import Audit, AuditTemplate, Sample
from cshub.casework.models import Episode
from cshub.missing.models import ReturnInterview


@dataclass(frozen=True)
class SampleDefinition:
    rule: str  # SampleRule
    period_start: dt.date
    period_end: dt.date
    per_stratum: int | None = None  # the n of the counted rules
    types: tuple[str, ...] = field(default_factory=tuple)  # ExploitationType values; () = all
    seed: int | None = None  # None: a new random seed is chosen and recorded
    moderation_percent: int = 10


def draw_sample(
    name: str,
    template: AuditTemplate,
    definition: SampleDefinition,
    auditors: Sequence[User],
    due_date: dt.date,
    *,
    actor: User,
) -> Sample:
    """Draw the sample (caseaudits.sampling: the same rule, period and seed give the same
    cases) and allocate every audit (never to the case's own worker; multi-agency sections to
    an auditor of the section's agency; a moderation_percent share moderated by a second
    auditor, neither the case's worker nor the first auditor). A rule that selects nothing, a
    template not in use, or a pool that cannot cover a case: ValidationError, nothing made."""
    raise NotImplementedError


def audit_case(
    template: AuditTemplate,
    *,
    auditor: User,
    due_date: dt.date,
    actor: User,
    episode: Episode | None = None,
    return_interview: ReturnInterview | None = None,
) -> Audit:
    """One audit outside a sample (a manager picks a case). The case's own worker as auditor:
    ValidationError on "auditor"."""
    raise NotImplementedError


def reallocate(audit: Audit, auditor: User, *, actor: User) -> Audit:
    """Give a not-yet-completed audit (its lead parts) to another auditor; the case's own
    worker, or (a moderation) the first auditor: ValidationError on "auditor"."""
    raise NotImplementedError


def cancel_audit(audit: Audit, reason: str, *, actor: User) -> Audit:
    raise NotImplementedError
