"""Reading an import's audit event about one child back as words: what it created and
changed (the importer writes one such event per child it touched)."""

from dataclasses import dataclass
from typing import Any

from django.apps import apps

from cshub.audit.models import Action, AuditEvent


@dataclass(frozen=True)
class ImportChange:
    event: AuditEvent
    run_id: int | None
    created: list[str]  # "3 missing episodes"
    changed: list[str]  # "referral: decision, decision date"


def _name(label: str, n: int) -> str:
    try:
        meta = apps.get_model(label)._meta
    except (LookupError, ValueError):
        return label
    return str(meta.verbose_name if n == 1 else meta.verbose_name_plural)


def _field(label: str, name: str) -> str:
    try:
        return str(apps.get_model(label)._meta.get_field(name.removesuffix("_id")).verbose_name)
    except (LookupError, ValueError):
        return name.replace("_", " ")


def describe(detail: dict[str, Any]) -> tuple[list[str], list[str]]:
    created = [f"{len(pks)} {_name(label, len(pks))}" for label, pks in detail.get("created", {}).items()]
    changed = [
        f"{_name(label, 1)}: {', '.join(_field(label, f) for f in fields or [])}"
        for label, records in detail.get("changed", {}).items()
        for fields in records.values()
    ]
    return created, changed


def changes_to_child(child_id: int, limit: int = 20) -> list[ImportChange]:
    """The imports that created or changed records about this child, newest first."""
    events = (
        AuditEvent.objects.for_child(child_id).filter(action=Action.IMPORT).select_related("actor")[:limit]
    )
    return [ImportChange(e, e.detail.get("import"), *describe(e.detail)) for e in events]
