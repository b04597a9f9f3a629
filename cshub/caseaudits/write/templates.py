"""Templates and themes (part A of issue 22). Every function: atomic, checks
Perm.MANAGE_AUDITS, writes its audit event (cshub.audit.events.record_event)."""

from cshub.access.models import User
from cshub.caseaudits.models import AuditTemplate, Question, TemplateSection, Theme


def create_template(name: str, subject: str, description: str, *, actor: User) -> AuditTemplate:
    """A new draft (version 1). A name already used: ValidationError on "name"."""
    raise NotImplementedError


def add_section(template: AuditTemplate, title: str, agency: str, *, actor: User) -> TemplateSection:
    """At the end of a draft's sections. A published or retired template: ValidationError."""
    raise NotImplementedError


def add_question(
    section: TemplateSection, text: str, guidance: str, evidence: str, *, actor: User
) -> Question:
    """At the end of a draft section's questions."""
    raise NotImplementedError


def publish_template(template: AuditTemplate, *, actor: User) -> AuditTemplate:
    """Refuses a template without questions, or with a section without any (ValidationError,
    nothing changed). Publishing a new version retires the one it replaces."""
    raise NotImplementedError


def new_version(template: AuditTemplate, *, actor: User) -> AuditTemplate:
    """A draft copy of a published template (version + 1, previous = template)."""
    raise NotImplementedError


def retire_template(template: AuditTemplate, *, actor: User) -> AuditTemplate:
    raise NotImplementedError


def save_theme(
    name: str, description: str, *, actor: User, theme: Theme | None = None, active: bool = True
) -> Theme:
    """Add a theme, or change (or retire: active False) an existing one."""
    raise NotImplementedError
