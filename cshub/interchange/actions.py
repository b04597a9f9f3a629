"""The write path for code mappings (interchange.codelists): atomic, audited."""

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.core import locks
from cshub.interchange.codelists import MapEntry, built_in_code, coded, fold
from cshub.interchange.models import CodeMapping
from cshub.interchange.spec import BY_KEY

VALUE_MAX = 100
LOCK = "interchange:code-mapping"  # two managers mapping the same value at once: one waits


def check_entries(entries: Sequence[MapEntry]) -> list[tuple[int, str]]:
    """What is wrong with the mappings asked for: (index of the entry, the problem in
    words); empty when all are good."""
    problems: list[tuple[int, str]] = []
    for n, entry in enumerate(entries):
        key, column, value, code = (
            entry.table_key,
            entry.column.strip(),
            entry.value.strip(),
            entry.code.strip(),
        )
        if key not in BY_KEY:
            problems.append((n, f"'{entry.table}' is not a table of the interchange format"))
            continue
        col = coded(key, column)
        if col is None:
            problems.append((n, f"'{column}' is not a coded column of {BY_KEY[key].filename}"))
            continue
        if not value:
            problems.append((n, "enter the value the extract writes"))
        elif len(value) > VALUE_MAX:
            problems.append((n, f"the value must be {VALUE_MAX} characters or fewer"))
        if code not in col.codes:
            problems.append((n, f"'{code}' is not a CSHub code for {column} (one of {', '.join(col.codes)})"))
        placed = built_in_code(key, column, value) if value else None
        if placed is not None and placed != code:
            problems.append((n, f"CSHub already reads '{value}' in {column} as {placed}"))
    return problems


@transaction.atomic
def map_codes(*, actor: User | None, entries: Sequence[MapEntry]) -> list[CodeMapping]:
    """Keep each value -> code mapping (a new one, or a changed code for a value mapped
    before) and audit it. `actor` None is the cshub import command. All or nothing."""
    if actor is not None and not actor.has(Perm.IMPORT_DATA):
        raise PermissionDenied(f"missing permission {Perm.IMPORT_DATA}")
    problems = check_entries(entries)
    if problems:
        raise ValidationError({"mappings": [f"Mapping {n + 1}: {message}" for n, message in problems]})
    locks.hold(LOCK)
    saved = []
    for entry in entries:
        key, column, value, code = (
            entry.table_key,
            entry.column.strip(),
            entry.value.strip(),
            entry.code.strip(),
        )
        if built_in_code(key, column, value) is not None:
            continue  # CSHub's own lists place it already (to the same code)
        mapping = (
            CodeMapping.objects.select_for_update()
            .filter(table=key, column=column, value_key=fold(value))
            .first()
        )
        if mapping is not None and mapping.code == code:
            continue
        was = mapping.code if mapping is not None else None
        if mapping is None:
            mapping = CodeMapping(table=key, column=column, value=value, value_key=fold(value))
        mapping.code = code
        mapping.mapped_by = actor
        mapping.mapped_at = timezone.now()
        mapping.save()
        record_event(
            actor,
            Action.CREATE if was is None else Action.UPDATE,
            mapping,
            detail={"table": key, "column": column, "value": value, "code": code, "was": was},
        )
        saved.append(mapping)
    return saved


@transaction.atomic
def remove_mapping(*, actor: User, mapping: CodeMapping) -> None:
    """A mapping no longer wanted: later imports report the value again."""
    if not actor.has(Perm.IMPORT_DATA):
        raise PermissionDenied(f"missing permission {Perm.IMPORT_DATA}")
    detail = {"table": mapping.table, "column": mapping.column, "value": mapping.value, "code": mapping.code}
    record_event(actor, Action.UPDATE, mapping, detail={**detail, "removed": True})
    mapping.delete()
