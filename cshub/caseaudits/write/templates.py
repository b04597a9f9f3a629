"""Templates and themes (part A of issue 22). Every function: atomic, checks
Perm.MANAGE_AUDITS, writes its audit event (cshub.audit.events.record_event).

A template is edited only while it is a draft: a published template is never changed (its
audits keep meaning what they meant). A change to one in use is a new version: a draft copy
(one draft at a time, under the published template's row lock) that, once published,
retires the version it replaces in the same transaction. Versions of one template (its
"version line", linked by `previous`) share a name that no other template uses. Every change
to a draft takes the draft's row lock first, so an edit never runs beside its publication."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.changes import change_detail, snapshot
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.caseaudits.models import (
    AuditTemplate,
    Evidence,
    Question,
    Subject,
    TemplateSection,
    TemplateStatus,
    Theme,
)
from cshub.core import locks
from cshub.core.codes import Agency
from cshub.core.limits import field_limit, too_long
from cshub.people.actions import require

TEMPLATE_NAMES = "caseaudits:template-names"
THEME_NAMES = "caseaudits:theme-names"
UP, DOWN = "up", "down"


def _text(value: str) -> str:
    return " ".join((value or "").split())


def _check_length(errors: dict[str, str], field: str, value: str, model: Any, label: str) -> None:
    limit = field_limit(model, field)
    if field not in errors and len(value) > limit:
        errors[field] = too_long(label, limit)


def root_id(template: AuditTemplate) -> int:
    """The first version of the template's version line."""
    seen: set[int] = set()
    row: AuditTemplate = template
    while row.previous_id is not None and row.previous_id not in seen:
        seen.add(row.pk)
        row = AuditTemplate.objects.only("id", "previous_id").get(pk=row.previous_id)
    return int(row.pk)


def _name_taken(name: str, template: AuditTemplate | None) -> bool:
    """Another version line already uses this name (any case)."""
    root = root_id(template) if template is not None else None
    return any(
        root_id(other) != root
        for other in AuditTemplate.objects.filter(name__iexact=name).only("id", "previous_id")
    )


def _draft(template: AuditTemplate) -> None:
    """Lock the template's row and refuse any change to one that is not a draft."""
    locks.claim(template)
    if template.status == TemplateStatus.PUBLISHED:
        raise ValidationError(
            {"template": "This template is in use and cannot be changed: make a new version to change it"}
        )
    if template.status != TemplateStatus.DRAFT:
        raise ValidationError(
            {"template": "This version has been replaced or withdrawn and cannot be changed"}
        )


def _template_fields(
    name: str, subject: str, description: str, *, template: AuditTemplate | None
) -> tuple[str, str, str]:
    errors: dict[str, str] = {}
    name, description = _text(name), (description or "").strip()
    if not name:
        errors["name"] = "Enter the name of the template"
    _check_length(errors, "name", name, AuditTemplate, "The name")
    if "name" not in errors and _name_taken(name, template):
        errors["name"] = (
            f"A template called {name} already exists: choose another name, or make a new version of it"
        )
    if subject not in Subject.values:
        errors["subject"] = "Select what the template audits"
    elif template is not None and template.previous_id is not None and subject != template.subject:
        errors["subject"] = "A new version audits what the version it replaces audits"
    _check_length(errors, "description", description, AuditTemplate, "What the audit is for")
    if errors:
        raise ValidationError(errors)
    return name, subject, description


def create_template(name: str, subject: str, description: str, *, actor: User) -> AuditTemplate:
    """A new draft (version 1). A name already used: ValidationError on "name"."""
    with transaction.atomic():
        require(actor, Perm.MANAGE_AUDITS)
        locks.hold(TEMPLATE_NAMES)
        name, subject, description = _template_fields(name, subject, description, template=None)
        template = AuditTemplate.objects.create(
            name=name, subject=subject, description=description, created_by=actor
        )
        record_event(actor, Action.CREATE, template, detail={"name": name, "version": 1})
        return template


def edit_template(
    template: AuditTemplate, name: str, subject: str, description: str, *, actor: User
) -> AuditTemplate:
    """A draft's name, subject and purpose. A new version keeps the subject of the one it
    replaces; its name may change, but never to another template's."""
    with transaction.atomic():
        require(actor, Perm.MANAGE_AUDITS)
        locks.hold(TEMPLATE_NAMES)
        _draft(template)
        name, subject, description = _template_fields(name, subject, description, template=template)
        fields = ["name", "subject", "description"]
        before = snapshot(template, fields)
        template.name, template.subject, template.description = name, subject, description
        template.save(update_fields=fields)
        record_event(actor, Action.UPDATE, template, detail=change_detail(before, snapshot(template, fields)))
        return template


def _section_fields(title: str, agency: str) -> tuple[str, str]:
    errors: dict[str, str] = {}
    title = _text(title)
    if not title:
        errors["title"] = "Enter the title of the section"
    _check_length(errors, "title", title, TemplateSection, "The title")
    agency = agency or ""
    if agency and agency not in Agency.values:
        errors["agency"] = "Select who answers this section"
    if errors:
        raise ValidationError(errors)
    return title, agency


def _question_fields(text: str, guidance: str, evidence: str) -> tuple[str, str, str]:
    errors: dict[str, str] = {}
    text, guidance, evidence = _text(text), (guidance or "").strip(), evidence or ""
    if not text:
        errors["text"] = "Enter the question"
    _check_length(errors, "text", text, Question, "The question")
    _check_length(errors, "guidance", guidance, Question, "What good looks like")
    if evidence and evidence not in Evidence.values:
        errors["evidence"] = "Select what CSHub shows beside the question"
    if errors:
        raise ValidationError(errors)
    return text, guidance, evidence


def add_section(template: AuditTemplate, title: str, agency: str, *, actor: User) -> TemplateSection:
    """At the end of a draft's sections. A published or retired template: ValidationError."""
    with transaction.atomic():
        require(actor, Perm.MANAGE_AUDITS)
        _draft(template)
        title, agency = _section_fields(title, agency)
        last = template.sections.aggregate(n=Max("position"))["n"] or 0
        section = TemplateSection.objects.create(
            template=template, position=last + 1, title=title, agency=agency
        )
        record_event(
            actor, Action.CREATE, section, detail={"template": template.pk, "title": title, "agency": agency}
        )
        return section


def edit_section(section: TemplateSection, title: str, agency: str, *, actor: User) -> TemplateSection:
    """A draft section's title, and who answers it (blank: the lead auditor)."""
    with transaction.atomic():
        require(actor, Perm.MANAGE_AUDITS)
        _draft(section.template)
        title, agency = _section_fields(title, agency)
        fields = ["title", "agency"]
        before = snapshot(section, fields)
        section.title, section.agency = title, agency
        section.save(update_fields=fields)
        record_event(
            actor,
            Action.UPDATE,
            section,
            detail=change_detail(before, snapshot(section, fields), template=section.template_id),
        )
        return section


def _renumber(rows: list[Any]) -> None:
    """Positions 1, 2, 3… in this order. Each row first steps out of the way (past every
    position in use), as the unique position is checked row by row."""
    if not rows:
        return
    model = type(rows[0])
    offset = max(r.position for r in rows) + len(rows) + 1
    for row in rows:
        model.objects.filter(pk=row.pk).update(position=row.position + offset)
    for n, row in enumerate(rows, start=1):
        model.objects.filter(pk=row.pk).update(position=n)
        row.position = n


def remove_section(section: TemplateSection, *, actor: User) -> None:
    """A draft's section, with its questions; the sections after it move up."""
    with transaction.atomic():
        require(actor, Perm.MANAGE_AUDITS)
        template = section.template
        _draft(template)
        questions = list(section.questions.values_list("text", flat=True))
        record_event(
            actor,
            Action.UPDATE,
            template,
            detail={"removed_section": section.title, "removed_questions": len(questions)},
        )
        section.delete()
        _renumber(list(template.sections.order_by("position")))


def _move(rows: list[Any], row: Any, direction: str, noun: str) -> int:
    if direction not in (UP, DOWN):
        raise ValidationError({"direction": f"Say whether to move the {noun} up or down"})
    at = [r.pk for r in rows].index(row.pk)
    to = at - 1 if direction == UP else at + 1
    if not 0 <= to < len(rows):
        raise ValidationError(
            {"direction": f"The {noun} is already {'first' if direction == UP else 'last'}"}
        )
    rows[at], rows[to] = rows[to], rows[at]
    _renumber(rows)
    return to + 1


def move_section(section: TemplateSection, direction: str, *, actor: User) -> TemplateSection:
    """One place up or down among the draft's sections."""
    with transaction.atomic():
        require(actor, Perm.MANAGE_AUDITS)
        template = section.template
        _draft(template)
        rows = list(template.sections.order_by("position"))
        before = next(r.position for r in rows if r.pk == section.pk)
        section.position = _move(rows, section, direction, "section")
        record_event(
            actor,
            Action.UPDATE,
            section,
            detail=change_detail({"position": before}, {"position": section.position}, template=template.pk),
        )
        return section


def add_question(
    section: TemplateSection, text: str, guidance: str, evidence: str, *, actor: User
) -> Question:
    """At the end of a draft section's questions."""
    with transaction.atomic():
        require(actor, Perm.MANAGE_AUDITS)
        _draft(section.template)
        text, guidance, evidence = _question_fields(text, guidance, evidence)
        last = section.questions.aggregate(n=Max("position"))["n"] or 0
        question = Question.objects.create(
            section=section, position=last + 1, text=text, guidance=guidance, evidence=evidence
        )
        record_event(
            actor,
            Action.CREATE,
            question,
            detail={"template": section.template_id, "section": section.pk, "evidence": evidence},
        )
        return question


def edit_question(question: Question, text: str, guidance: str, evidence: str, *, actor: User) -> Question:
    """A draft question's wording, what good looks like, and what CSHub shows beside it."""
    with transaction.atomic():
        require(actor, Perm.MANAGE_AUDITS)
        _draft(question.section.template)
        text, guidance, evidence = _question_fields(text, guidance, evidence)
        fields = ["text", "guidance", "evidence"]
        before = snapshot(question, fields)
        question.text, question.guidance, question.evidence = text, guidance, evidence
        question.save(update_fields=fields)
        record_event(
            actor,
            Action.UPDATE,
            question,
            detail=change_detail(before, snapshot(question, fields), template=question.section.template_id),
        )
        return question


def remove_question(question: Question, *, actor: User) -> None:
    """A draft's question; the questions after it in its section move up."""
    with transaction.atomic():
        require(actor, Perm.MANAGE_AUDITS)
        section = question.section
        _draft(section.template)
        record_event(
            actor,
            Action.UPDATE,
            section.template,
            detail={"section": section.pk, "removed_question": question.text},
        )
        question.delete()
        _renumber(list(section.questions.order_by("position")))


def move_question(question: Question, direction: str, *, actor: User) -> Question:
    """One place up or down among its section's questions."""
    with transaction.atomic():
        require(actor, Perm.MANAGE_AUDITS)
        section = question.section
        _draft(section.template)
        rows = list(section.questions.order_by("position"))
        before = next(r.position for r in rows if r.pk == question.pk)
        question.position = _move(rows, question, direction, "question")
        record_event(
            actor,
            Action.UPDATE,
            question,
            detail=change_detail(
                {"position": before}, {"position": question.position}, template=section.template_id
            ),
        )
        return question


def publish_template(template: AuditTemplate, *, actor: User) -> AuditTemplate:
    """Refuses a template without questions, or with a section without any (ValidationError,
    nothing changed). Publishing a new version retires the one it replaces."""
    with transaction.atomic():
        require(actor, Perm.MANAGE_AUDITS)
        _draft(template)
        sections = list(template.sections.order_by("position"))
        empty = [s.title for s in sections if not s.questions.exists()]
        if not sections:
            raise ValidationError(
                {
                    "sections": "Add at least one section with a question before publishing: the template has none"
                }
            )
        if empty:
            raise ValidationError(
                {
                    "sections": "Add at least one question to every section before publishing: "
                    + " and ".join(empty)
                    + (" has none" if len(empty) == 1 else " have none")
                }
            )
        replaced = template.previous
        if replaced is not None:
            locks.claim(replaced)
            if replaced.status == TemplateStatus.PUBLISHED:
                replaced.status = TemplateStatus.RETIRED
                replaced.save(update_fields=["status"])
                record_event(
                    actor,
                    Action.UPDATE,
                    replaced,
                    detail=change_detail(
                        {"status": TemplateStatus.PUBLISHED},
                        {"status": TemplateStatus.RETIRED},
                        replaced_by=template.pk,
                    ),
                )
        template.status = TemplateStatus.PUBLISHED
        template.published_by, template.published_at = actor, timezone.now()
        template.save(update_fields=["status", "published_by", "published_at"])
        record_event(
            actor,
            Action.UPDATE,
            template,
            detail=change_detail(
                {"status": TemplateStatus.DRAFT},
                {"status": TemplateStatus.PUBLISHED},
                replaces=replaced.pk if replaced else None,
            ),
        )
        return template


def new_version(template: AuditTemplate, *, actor: User) -> AuditTemplate:
    """A draft copy of a published template (version + 1, previous = template).

    One draft at a time: the template's row lock makes a second request (two managers
    pressing at once) wait, then find the first one's draft and be refused."""
    with transaction.atomic():
        require(actor, Perm.MANAGE_AUDITS)
        locks.claim(template)
        later = template.next_versions.order_by("-version").first()
        if later is not None and later.status == TemplateStatus.DRAFT:
            raise ValidationError(
                {
                    "template": f"There is already a draft of version {later.version}: change that draft instead"
                }
            )
        if later is not None:
            raise ValidationError(
                {
                    "template": f"Version {later.version} has replaced this version: make a new version of that one"
                }
            )
        if template.status == TemplateStatus.DRAFT:
            raise ValidationError({"template": "This template is a draft: change it, then publish it"})
        draft = AuditTemplate.objects.create(
            name=template.name,
            subject=template.subject,
            description=template.description,
            version=template.version + 1,
            previous=template,
            created_by=actor,
        )
        for section in template.sections.order_by("position").prefetch_related("questions"):
            copy = TemplateSection.objects.create(
                template=draft, position=section.position, title=section.title, agency=section.agency
            )
            Question.objects.bulk_create(
                Question(
                    section=copy,
                    position=q.position,
                    text=q.text,
                    guidance=q.guidance,
                    evidence=q.evidence,
                )
                for q in section.questions.all()
            )
        record_event(
            actor,
            Action.CREATE,
            draft,
            detail={"name": draft.name, "version": draft.version, "copy_of": template.pk},
        )
        return draft


def retire_template(template: AuditTemplate, *, actor: User) -> AuditTemplate:
    """A template in use, withdrawn: no new sample or audit uses it. Audits already made
    from it carry on and are completed as they were."""
    with transaction.atomic():
        require(actor, Perm.MANAGE_AUDITS)
        locks.claim(template)
        if template.status != TemplateStatus.PUBLISHED:
            raise ValidationError({"template": "Only a template in use can be withdrawn"})
        template.status = TemplateStatus.RETIRED
        template.save(update_fields=["status"])
        record_event(
            actor,
            Action.UPDATE,
            template,
            detail=change_detail({"status": TemplateStatus.PUBLISHED}, {"status": TemplateStatus.RETIRED}),
        )
        return template


def save_theme(
    name: str, description: str, *, actor: User, theme: Theme | None = None, active: bool = True
) -> Theme:
    """Add a theme, or change (or retire: active False) an existing one."""
    with transaction.atomic():
        require(actor, Perm.MANAGE_AUDITS)
        locks.hold(THEME_NAMES)
        errors: dict[str, str] = {}
        name, description = _text(name), _text(description)
        if not name:
            errors["name"] = "Enter the name of the theme"
        _check_length(errors, "name", name, Theme, "The name")
        others = Theme.objects.filter(name__iexact=name)
        if theme is not None:
            others = others.exclude(pk=theme.pk)
        if "name" not in errors and others.exists():
            errors["name"] = f"A theme called {name} already exists"
        _check_length(errors, "description", description, Theme, "The description")
        if errors:
            raise ValidationError(errors)
        if theme is None:
            theme = Theme.objects.create(name=name, description=description, active=active, created_by=actor)
            record_event(actor, Action.CREATE, theme, detail={"name": name, "active": active})
            return theme
        locks.claim(theme)
        fields = ["name", "description", "active"]
        before = snapshot(theme, fields)
        theme.name, theme.description, theme.active = name, description, active
        theme.save(update_fields=fields)
        record_event(actor, Action.UPDATE, theme, detail=change_detail(before, snapshot(theme, fields)))
        return theme
