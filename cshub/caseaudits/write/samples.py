"""Dip samples and allocation (part C of issue 22). Atomic, audited, Perm.MANAGE_AUDITS."""

import datetime as dt
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.changes import change_detail, snapshot
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.caseaudits import allocation, sampling
from cshub.caseaudits.models import (
    COUNTED_RULES,
    INTERVIEW_RULES,
    Audit,
    AuditPart,
    AuditRole,
    AuditStatus,
    AuditTemplate,
    Sample,
    SampleRule,
    Subject,
    TemplateStatus,
)
from cshub.casework.models import Episode
from cshub.core import locks
from cshub.core.codes import ExploitationType
from cshub.missing.models import ReturnInterview
from cshub.people.access import is_named, may_see
from cshub.people.actions import require
from cshub.people.models import Person

# One round is drawn at a time (PostgreSQL: an advisory lock; SQLite runs writes one at a
# time already), so the same form sent twice finds the first round by its key.
DRAW_LOCK = "caseaudits:draw"


@dataclass(frozen=True)
class SampleDefinition:
    rule: str  # SampleRule
    period_start: dt.date
    period_end: dt.date
    per_stratum: int | None = None  # the n of the counted rules
    types: tuple[str, ...] = field(default_factory=tuple)  # ExploitationType values; () = all
    seed: int | None = None  # None: a new random seed is chosen and recorded
    moderation_percent: int = 10


def check_definition(template: AuditTemplate, definition: SampleDefinition) -> None:
    """The rule, period, number, types and share, and a template in use for the rule's
    subject: ValidationError with field names."""
    errors: dict[str, str] = {}
    if definition.rule not in SampleRule.values:
        errors["rule"] = "Select how the cases are chosen"
    if definition.period_end < definition.period_start:
        errors["period_end"] = "The end of the period must be on or after its start"
    if definition.rule in COUNTED_RULES and not (definition.per_stratum and definition.per_stratum > 0):
        errors["per_stratum"] = "Enter how many cases to draw, 1 or more"
    unknown = [t for t in definition.types if t not in ExploitationType.values]
    if unknown:
        errors["types"] = "Select types of exploitation from the list"
    if not 0 <= definition.moderation_percent <= 100:
        errors["moderation_percent"] = "Enter a share between 0 and 100"
    if definition.seed is not None and not 0 <= definition.seed < 2**63:
        errors["seed"] = "Enter a seed of up to 18 digits, or leave it blank"
    if template.status != TemplateStatus.PUBLISHED:
        errors["template"] = "This template is not in use: choose a published template"
    elif definition.rule in INTERVIEW_RULES and template.subject != Subject.RETURN_INTERVIEW:
        errors["template"] = (
            "This rule draws return interviews: choose a return interview (peer audit) template"
        )
    elif (
        definition.rule in SampleRule.values
        and definition.rule not in INTERVIEW_RULES
        and template.subject != Subject.EPISODE
    ):
        errors["template"] = "This rule draws hub episodes: choose a case audit template"
    if errors:
        raise ValidationError(errors)


@dataclass(frozen=True)
class Preview:
    """What confirming would draw and allocate (the preview step), with the seed it uses."""

    seed: int
    cases: list[sampling.Case]
    plan: allocation.Plan


def preview_sample(
    template: AuditTemplate, definition: SampleDefinition, auditors: Sequence[User], *, actor: User
) -> Preview:
    """Draw and allocate without writing anything. Same checks and messages as draw_sample."""
    require(actor, Perm.MANAGE_AUDITS)
    check_definition(template, definition)
    seed = sampling.new_seed() if definition.seed is None else definition.seed
    rng = random.Random(seed)  # nosec B311 # a reproducible dip sample from its recorded seed, not security
    cases = sampling.draw(
        definition.rule,
        definition.period_start,
        definition.period_end,
        rng,
        per_stratum=definition.per_stratum,
        types=definition.types,
    )
    if not cases:
        raise ValidationError({"rule": "This rule selects no cases in that period: no audit round was made"})
    plan = allocation.plan(cases, template, auditors, definition.moderation_percent, rng, actor=actor)
    return Preview(seed, cases, plan)


@transaction.atomic
def draw_sample(
    name: str,
    template: AuditTemplate,
    definition: SampleDefinition,
    auditors: Sequence[User],
    due_date: dt.date,
    *,
    actor: User,
    request_key: uuid.UUID | None = None,
) -> Sample:
    """Draw the sample (caseaudits.sampling: the same rule, period and seed give the same
    cases) and allocate every audit (never to the case's own worker; multi-agency sections to
    an auditor of the section's agency; a moderation_percent share moderated by a second
    auditor, neither the case's worker nor the first auditor). A rule that selects nothing, a
    template not in use, or a pool that cannot cover a case: ValidationError, nothing made.

    `request_key` (the form's idempotency key): a round already drawn with it is returned as
    it is, so a form sent twice makes one round."""
    require(actor, Perm.MANAGE_AUDITS)
    locks.hold(DRAW_LOCK)
    if request_key is not None:
        existing = Sample.objects.filter(request_key=request_key).first()
        if existing is not None:
            return existing
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Enter a name for the audit round"})
    if due_date < timezone.localdate():
        raise ValidationError({"due_date": "The date the audits are due must be today or in the future"})
    locks.claim(template)  # a template withdrawn at this moment is refused, not drawn from
    preview = preview_sample(template, definition, auditors, actor=actor)
    sample = Sample.objects.create(
        name=name,
        template=template,
        rule=definition.rule,
        per_stratum=definition.per_stratum if definition.rule in COUNTED_RULES else None,
        period_start=definition.period_start,
        period_end=definition.period_end,
        types=list(definition.types) if definition.rule == SampleRule.STRATIFIED_BY_TYPE else [],
        seed=preview.seed,
        moderation_percent=definition.moderation_percent,
        due_date=due_date,
        drawn=[c.key for c in preview.cases],
        drawn_by=actor,
        request_key=request_key,
    )
    sample.auditors.set(auditors)
    for planned in preview.plan.cases:
        primary = _make_audit(planned.primary, template, due_date, actor=actor, sample=sample)
        if planned.moderation is not None:
            _make_audit(planned.moderation, template, due_date, actor=actor, sample=sample, moderates=primary)
    record_event(
        actor,
        Action.CREATE,
        sample,
        detail={
            "caseaudits": "round drawn",
            "rule": definition.rule,
            "seed": preview.seed,
            "cases": len(preview.cases),
            "moderated": preview.plan.moderated,
            "template": template.pk,
        },
    )
    return sample


def _make_audit(
    planned: allocation.Planned,
    template: AuditTemplate,
    due_date: dt.date,
    *,
    actor: User,
    sample: Sample | None = None,
    moderates: Audit | None = None,
) -> Audit:
    case = planned.case
    audit = Audit.objects.create(
        template=template,
        sample=sample,
        person_id=case.person_id,
        episode_id=case.pk if case.kind == sampling.EPISODE else None,
        return_interview_id=case.pk if case.kind == sampling.INTERVIEW else None,
        case_worker_id=case.worker_id,
        auditor=planned.lead,
        role=AuditRole.MODERATION if moderates else AuditRole.PRIMARY,
        moderates=moderates,
        due_date=due_date,
        allocated_by=actor,
    )
    AuditPart.objects.bulk_create(
        AuditPart(audit=audit, section=section, auditor=planned.sections.get(section.pk, planned.lead))
        for section in template.sections.all()
    )
    record_event(
        actor,
        Action.CREATE,
        audit,
        child_id=case.person_id,
        detail={
            "caseaudits": "allocated",
            "sample": sample.pk if sample else None,
            "role": audit.role,
            "auditor": str(planned.lead),
            "moderates": moderates.pk if moderates else None,
        },
    )
    return audit


@transaction.atomic
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
    require(actor, Perm.MANAGE_AUDITS)
    if (episode is None) == (return_interview is None):
        raise ValueError("audit_case takes an episode or a return interview")
    if episode is not None:
        case = sampling.Case(sampling.EPISODE, episode.pk, episode.person_id, episode.allocated_worker_id)
        subject = Subject.EPISODE
    else:
        assert return_interview is not None
        person_id = return_interview.missing_episode.person_id
        case = sampling.Case(
            sampling.INTERVIEW, return_interview.pk, person_id, return_interview.interviewer_id
        )
        subject = Subject.RETURN_INTERVIEW
    errors: dict[str, str] = {}
    locks.claim(template)
    if template.status != TemplateStatus.PUBLISHED:
        errors["template"] = "This template is not in use: choose a published template"
    elif template.subject != subject:
        errors["template"] = (
            "Choose a case audit template for a hub episode"
            if subject == Subject.EPISODE
            else "Choose a return interview (peer audit) template for a return interview"
        )
    if due_date < timezone.localdate():
        errors["due_date"] = "The date the audit is due must be today or in the future"
    problem = _auditor_problem(auditor, case)
    if problem:
        errors["auditor"] = problem
    elif any(s.agency and s.agency != auditor.agency for s in template.sections.all()):
        errors["template"] = (
            "This template has sections for other agencies to answer: draw an audit round with "
            "auditors of those agencies in its pool"
        )
    if errors:
        raise ValidationError(errors)
    return _make_audit(allocation.Planned(case, auditor), template, due_date, actor=actor)


def _auditor_problem(auditor: User, case: sampling.Case) -> str:
    if case.worker_id is not None and auditor.pk == case.worker_id:
        return f"{auditor} is this case's worker: choose another auditor"
    if not auditor.has(Perm.CONDUCT_AUDIT):
        return f"{auditor} cannot carry out case audits: choose another auditor"
    person = Person.objects.get(pk=case.person_id)
    # Named on a restricted record, not just inside a break-glass window that ends.
    if not may_see(auditor, person) or (person.restricted and not is_named(auditor, person)):
        return f"{auditor} may not see this child's record: choose another auditor"
    return ""


def _lock_pair(audit: Audit) -> None:
    """Lock an audit and the other audits of its moderation pair, always in the same order
    (by id), and re-read it: two managers changing the two audits of one pair at once take
    turns, so neither can make one person both its auditor and its moderator."""
    primary = audit.moderates_id or audit.pk
    list(
        Audit.objects.select_for_update()
        .filter(Q(pk=primary) | Q(moderates_id=primary))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    audit.refresh_from_db()


def _current_worker(audit: Audit) -> int | None:
    """Whose case it is now (it may have moved since the round was drawn)."""
    if audit.episode_id is not None:
        return (
            Episode.objects.filter(pk=audit.episode_id).values_list("allocated_worker_id", flat=True).first()
        )
    if audit.return_interview_id is not None:
        return (
            ReturnInterview.objects.filter(pk=audit.return_interview_id)
            .values_list("interviewer_id", flat=True)
            .first()
        )
    return None


@transaction.atomic
def reallocate(audit: Audit, auditor: User, *, actor: User) -> Audit:
    """Give a not-yet-completed audit (its lead parts) to another auditor; the case's own
    worker, or (a moderation) the first auditor: ValidationError on "auditor"."""
    require(actor, Perm.MANAGE_AUDITS)
    _lock_pair(audit)
    if audit.status not in (AuditStatus.ALLOCATED, AuditStatus.IN_PROGRESS):
        raise ValidationError(
            {"auditor": "Only an audit not yet completed or cancelled can go to another auditor"}
        )
    if auditor.pk == audit.auditor_id:
        raise ValidationError({"auditor": f"{auditor} already has this audit: choose another auditor"})
    case = sampling.Case("", 0, audit.person_id, audit.case_worker_id)
    problem = _auditor_problem(auditor, case)
    if not problem and auditor.pk == _current_worker(audit):
        problem = f"{auditor} is this case's worker now: choose another auditor"
    if not problem and audit.moderates_id is not None:
        first = audit.moderates
        assert first is not None
        if auditor.pk in {first.auditor_id, *first.parts.values_list("auditor_id", flat=True)}:
            problem = f"{auditor} carried out the audit this one moderates: choose another auditor"
    if not problem:
        moderation = audit.moderations.exclude(status=AuditStatus.CANCELLED).first()
        if moderation is not None and auditor.pk in {
            moderation.auditor_id,
            *moderation.parts.values_list("auditor_id", flat=True),
        }:
            problem = f"{auditor} moderates this audit: choose another auditor"
    if problem:
        raise ValidationError({"auditor": problem})
    before = snapshot(audit, ["auditor"])
    previous = audit.auditor_id
    audit.auditor = auditor
    audit.save(update_fields=["auditor"])
    audit.parts.filter(auditor_id=previous, section__agency="").update(auditor=auditor)
    record_event(
        actor,
        Action.UPDATE,
        audit,
        child_id=audit.person_id,
        detail=change_detail(before, snapshot(audit, ["auditor"]), caseaudits="reallocated"),
    )
    return audit


@transaction.atomic
def cancel_audit(audit: Audit, reason: str, *, actor: User) -> Audit:
    """Cancel an audit not yet completed, with the reason; its open moderation goes with it
    (there is nothing left to moderate)."""
    require(actor, Perm.MANAGE_AUDITS)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason the audit is cancelled"})
    _lock_pair(audit)
    if audit.status not in (AuditStatus.ALLOCATED, AuditStatus.IN_PROGRESS):
        raise ValidationError({"reason": "Only an audit not yet completed or cancelled can be cancelled"})
    cancelled = [audit, *audit.moderations.open()]
    for each in cancelled:
        before = snapshot(each, ["status"])
        each.status = AuditStatus.CANCELLED
        each.save(update_fields=["status"])
        record_event(
            actor,
            Action.UPDATE,
            each,
            child_id=each.person_id,
            reason=reason,
            detail=change_detail(before, snapshot(each, ["status"]), caseaudits="cancelled"),
        )
    return audit
