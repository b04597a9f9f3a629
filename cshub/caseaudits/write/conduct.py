"""Carrying out an audit (part B of issue 22): answers, the overall grade, findings with
themes, learning actions, the worker's feedback. Atomic, audited; only the allocated auditor
of a part answers it, only the lead auditor grades and completes."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.caseaudits.models import (
    AnswerChoice,
    Audit,
    AuditAnswer,
    AuditPart,
    AuditRole,
    AuditStatus,
    Finding,
    FindingKind,
    Grade,
    Question,
    Theme,
)
from cshub.core import locks
from cshub.people.access import may_see
from cshub.people.actions import require
from cshub.tasks.actions import NewTask, agree_task
from cshub.tasks.models import Source, Task

OPEN = (AuditStatus.ALLOCATED, AuditStatus.IN_PROGRESS)


@dataclass(frozen=True)
class AnswerInput:
    answer: str  # AnswerChoice
    grade: str  # Grade ("" for NOT_APPLICABLE)
    comment: str = ""


def question_label(question: Question) -> str:
    """How a message names a question: "question 2 (Is the plan specific …)"."""
    return f"question {question.position} ({question.text})"


def _require_auditor(actor: User, audit: Audit) -> None:
    require(actor, Perm.CONDUCT_AUDIT)
    if not may_see(actor, audit.person):
        raise PermissionDenied("the auditor may not see the child's record")


def _require_open(audit: Audit) -> None:
    if audit.status not in OPEN:
        raise ValidationError({"__all__": "This audit is no longer open: nothing was changed"})


@transaction.atomic
def save_part(
    part: AuditPart, answers: dict[int, AnswerInput], *, actor: User, submit: bool = False
) -> AuditPart:
    """Save the answers (question id -> answer) of one section; `submit` also marks the part
    submitted, which needs every question answered (ValidationError naming them otherwise).
    The first save starts the audit (status IN_PROGRESS, started_at)."""
    audit = part.audit
    _require_auditor(actor, audit)
    if part.auditor_id != actor.pk:
        raise PermissionDenied("only the auditor allocated this section answers it")
    locks.claim(audit)
    part.refresh_from_db()
    if part.auditor_id != actor.pk:  # given to someone else while this request waited
        raise PermissionDenied("only the auditor allocated this section answers it")
    _require_open(audit)
    if part.submitted_at is not None:
        raise ValidationError({"__all__": "This section has been submitted: nothing was changed"})
    questions = {q.pk: q for q in Question.objects.filter(section_id=part.section_id)}
    errors: dict[str, str] = {}
    given: dict[int, AnswerInput] = {}
    for qid, entry in answers.items():
        question = questions.get(qid)
        if question is None:
            errors["__all__"] = "An answer is for a question that is not in this section"
            continue
        if not entry.answer and not entry.grade and not entry.comment.strip():
            continue  # not answered yet: a draft may leave it
        if entry.answer not in AnswerChoice.values:
            errors[f"answer_{qid}"] = f"Select an answer to {question_label(question)}"
            continue
        if entry.answer == AnswerChoice.NOT_APPLICABLE:
            given[qid] = AnswerInput(entry.answer, "", entry.comment.strip())
            continue
        if entry.grade not in Grade.values:
            errors[f"grade_{qid}"] = f"Select a grade for {question_label(question)}"
            continue
        given[qid] = AnswerInput(entry.answer, entry.grade, entry.comment.strip())
    if errors:
        raise ValidationError(errors)
    if submit:
        answered = set(
            AuditAnswer.objects.filter(audit=audit, question_id__in=questions).values_list(
                "question_id", flat=True
            )
        ) | set(given)
        missing = [q for q in questions.values() if q.pk not in answered]
        if missing:
            raise ValidationError(
                {
                    "__all__": "Answer every question before you submit the section. Not answered: "
                    + "; ".join(question_label(q) for q in sorted(missing, key=lambda q: q.position)),
                    **{f"answer_{q.pk}": f"Select an answer to {question_label(q)}" for q in missing},
                }
            )
    now = timezone.now()
    for qid, entry in given.items():
        AuditAnswer.objects.update_or_create(
            audit=audit,
            question_id=qid,
            defaults={
                "answer": entry.answer,
                "grade": entry.grade,
                "comment": entry.comment,
                "answered_by": actor,
                "answered_at": now,
            },
        )
    if submit:
        part.submitted_at = now
        part.save(update_fields=["submitted_at"])
    if audit.status == AuditStatus.ALLOCATED:
        audit.status = AuditStatus.IN_PROGRESS
        audit.started_at = now
        audit.save(update_fields=["status", "started_at"])
    record_event(
        actor,
        Action.UPDATE,
        part,
        child_id=audit.person_id,
        detail={"audit": audit.pk, "answers": len(given), "submitted": submit},
    )
    return part


@transaction.atomic
def complete_audit(audit: Audit, *, overall_grade: str, rationale: str, feedback: str, actor: User) -> Audit:
    """The lead auditor's overall grade and rationale (required) and feedback to the worker;
    every part must be submitted. Status COMPLETED, completed_at now."""
    _require_auditor(actor, audit)
    if audit.auditor_id != actor.pk:
        raise PermissionDenied("only the lead auditor completes the audit")
    locks.claim(audit)
    if audit.auditor_id != actor.pk:  # given to someone else while this request waited
        raise PermissionDenied("only the lead auditor completes the audit")
    _require_open(audit)
    errors: dict[str, str] = {}
    waiting = [p.section.title for p in audit.parts.select_related("section") if p.submitted_at is None]
    if waiting:
        errors["__all__"] = "Every section must be submitted first. Still to submit: " + "; ".join(waiting)
    if overall_grade not in Grade.values:
        errors["overall_grade"] = "Select the overall grade"
    if not rationale.strip():
        errors["rationale"] = "Say why you gave this grade"
    if errors:
        raise ValidationError(errors)
    audit.overall_grade = overall_grade
    audit.rationale = rationale.strip()
    audit.feedback = feedback.strip()
    audit.status = AuditStatus.COMPLETED
    audit.completed_at = timezone.now()
    audit.save(update_fields=["overall_grade", "rationale", "feedback", "status", "completed_at"])
    record_event(
        actor,
        Action.UPDATE,
        audit,
        child_id=audit.person_id,
        detail={"status": audit.status, "overall_grade": overall_grade},
    )
    return audit


def _require_lead(actor: User, audit: Audit) -> None:
    _require_auditor(actor, audit)
    if audit.auditor_id != actor.pk:
        raise PermissionDenied("only the lead auditor records findings and learning actions")
    if audit.status == AuditStatus.CANCELLED:
        raise ValidationError({"__all__": "This audit was cancelled: nothing was changed"})


@transaction.atomic
def record_finding(audit: Audit, *, kind: str, text: str, theme_ids: list[int], actor: User) -> Finding:
    """A finding tagged with at least one active theme."""
    _require_lead(actor, audit)
    errors: dict[str, str] = {}
    if kind not in FindingKind.values:
        errors["kind"] = "Select what kind of finding it is"
    if not text.strip():
        errors["text"] = "Enter the finding"
    themes = list(Theme.objects.filter(pk__in=theme_ids, active=True))
    if not themes or len(themes) != len(set(theme_ids)):
        errors["themes"] = "Select at least one theme for the finding"
    if errors:
        raise ValidationError(errors)
    locks.claim(audit)
    if audit.auditor_id != actor.pk:  # given to someone else while this request waited
        raise PermissionDenied("only the lead auditor records findings and learning actions")
    # The form sent twice (a double click) records the finding once.
    same = audit.findings.filter(kind=kind, text=text.strip()).first()
    if same is not None:
        return same
    finding = Finding.objects.create(audit=audit, kind=kind, text=text.strip(), recorded_by=actor)
    finding.themes.set(themes)
    record_event(
        actor,
        Action.CREATE,
        finding,
        child_id=audit.person_id,
        detail={"audit": audit.pk, "themes": sorted(t.pk for t in themes)},
    )
    return finding


@transaction.atomic
def add_learning_action(finding: Finding, task: NewTask, *, actor: User) -> Task:
    """A learning action on the one actions list (tasks.agree_task, source AUDIT), linked to
    the finding."""
    audit = finding.audit
    _require_lead(actor, audit)
    locks.claim(audit)
    if audit.auditor_id != actor.pk:  # given to someone else while this request waited
        raise PermissionDenied("only the lead auditor records findings and learning actions")
    # An action goes on the child's timeline and the actions list, which the other auditor of
    # a blind pair and the audited worker can read: only once the audit (and its pair) is done.
    if audit.status != AuditStatus.COMPLETED:
        raise ValidationError({"__all__": "Agree learning actions once the audit is completed"})
    pair_open = (
        audit.moderations.open().exists()
        if audit.role == AuditRole.PRIMARY
        else Audit.objects.open().filter(moderations=audit).exists()
    )
    if pair_open:
        raise ValidationError(
            {"__all__": "Agree learning actions once the moderation of this audit is completed too"}
        )
    # The form sent twice (a double click) agrees the action once.
    same = finding.actions.filter(description=task.description.strip(), due_date=task.due_date).first()
    if same is not None:
        return same
    row = agree_task(
        task,
        [audit.person],
        actor=actor,
        source=Source.AUDIT,
        source_label=f"Case audit {audit.pk}",
        link=reverse("caseaudits:detail", args=[audit.pk]),
    )
    finding.actions.add(row)
    record_event(
        actor,
        Action.UPDATE,
        finding,
        child_id=audit.person_id,
        detail={"audit": audit.pk, "learning_action": row.pk},
    )
    return row


@transaction.atomic
def mark_feedback_read(audit: Audit, *, actor: User) -> Audit:
    """The audited worker has read the feedback (feedback_read_at)."""
    if audit.case_worker_id is None or audit.case_worker_id != actor.pk:
        raise PermissionDenied("only the worker whose practice was audited marks the feedback read")
    locks.claim(audit)
    if audit.status != AuditStatus.COMPLETED or audit.role != AuditRole.PRIMARY:
        raise ValidationError({"__all__": "There is no feedback to read yet"})
    if audit.feedback_read_at is None:
        audit.feedback_read_at = timezone.now()
        audit.save(update_fields=["feedback_read_at"])
        record_event(actor, Action.UPDATE, audit, child_id=audit.person_id, detail={"feedback_read": True})
    return audit
