"""Carrying out an audit (part B of issue 22): answers, the overall grade, findings with
themes, learning actions, the worker's feedback. Atomic, audited; only the allocated auditor
of a part answers it, only the lead auditor grades and completes."""

from dataclasses import dataclass

from cshub.access.models import User
from cshub.caseaudits.models import Audit, AuditPart, Finding
from cshub.tasks.actions import NewTask
from cshub.tasks.models import Task


@dataclass(frozen=True)
class AnswerInput:
    answer: str  # AnswerChoice
    grade: str  # Grade ("" for NOT_APPLICABLE)
    comment: str = ""


def save_part(
    part: AuditPart, answers: dict[int, AnswerInput], *, actor: User, submit: bool = False
) -> AuditPart:
    """Save the answers (question id -> answer) of one section; `submit` also marks the part
    submitted, which needs every question answered (ValidationError naming them otherwise).
    The first save starts the audit (status IN_PROGRESS, started_at)."""
    raise NotImplementedError


def complete_audit(audit: Audit, *, overall_grade: str, rationale: str, feedback: str, actor: User) -> Audit:
    """The lead auditor's overall grade and rationale (required) and feedback to the worker;
    every part must be submitted. Status COMPLETED, completed_at now."""
    raise NotImplementedError


def record_finding(audit: Audit, *, kind: str, text: str, theme_ids: list[int], actor: User) -> Finding:
    """A finding tagged with at least one active theme."""
    raise NotImplementedError


def add_learning_action(finding: Finding, task: NewTask, *, actor: User) -> Task:
    """A learning action on the one actions list (tasks.agree_task, source AUDIT), linked to
    the finding."""
    raise NotImplementedError


def mark_feedback_read(audit: Audit, *, actor: User) -> Audit:
    """The audited worker has read the feedback (feedback_read_at)."""
    raise NotImplementedError
