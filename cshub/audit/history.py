"""A child's change history read back from the audit trail: who changed what, with the
values before and after where the event keeps them (`audit.changes`), the names of the
fields where an older event keeps only those, and what an import created or changed.

Every event that is not a read is a change (`events.READS`). Reading the rows asks the
database nothing: labels come from the models' metadata and the events' own detail."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q

from cshub.audit.events import READS
from cshub.audit.imports import describe
from cshub.audit.models import Action, AuditEvent
from cshub.core.dates import format_date, format_datetime

SHORT = 200  # characters of a long value shown before "Show all"

# What kind of record an event is about, for the filter: a code, its words, and the
# object types (a model label, or an app label ending in ".") it covers.
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "person": ("Person details", ("people.person", "people.personname", "people.address")),
    "access": ("Who may see the record", ("people.accessgrant",)),
    "timeline": ("Timeline", ("people.timelineentry",)),
    "referral": ("Referral", ("referrals.",)),
    "episode": ("Hub episode", ("casework.episode",)),
    "summary": ("Case summary", ("casework.casesummary",)),
    "assessment": ("Assessment", ("casework.assessment", "assessments.")),
    "plan": ("Plan", ("plans.",)),
    "missing": ("Missing episode or return interview", ("missing.",)),
    "contact": ("Work with the child", ("contact.",)),
    "supervision": ("Supervision and oversight", ("supervision.",)),
    "note": ("Case note", ("notes.",)),
    "document": ("Document", ("documents.",)),
    "meeting": ("Meeting", ("meetings.",)),
    "intelligence": ("Intelligence", ("intelligence.", "disruption.")),
    "task": ("Action", ("tasks.",)),
}
IMPORT_KIND = "import"
OTHER_KIND = "other"
KIND_CHOICES = [
    *((code, label) for code, (label, _) in KINDS.items()),
    (IMPORT_KIND, "Import"),
    (OTHER_KIND, "Anything else"),
]


def _covers(types: tuple[str, ...]) -> Q:
    q = Q()
    for t in types:
        q |= Q(object_type__startswith=t) if t.endswith(".") else Q(object_type=t)
    return q


def kind_q(code: str) -> Q:
    """The events of one kind, as a filter on AuditEvent."""
    if code == IMPORT_KIND:
        return Q(action=Action.IMPORT)
    not_import = ~Q(action=Action.IMPORT)
    if code in KINDS:
        return _covers(KINDS[code][1]) & not_import
    known = Q()
    for _, types in KINDS.values():
        known |= _covers(types)
    return ~known & not_import


def kind_of(event: AuditEvent) -> str:
    if event.action == Action.IMPORT:
        return "Import"
    for label, types in KINDS.values():
        if any(event.object_type.startswith(t) if t.endswith(".") else event.object_type == t for t in types):
            return label
    return "Other"


def changes_for(child_ids: list[int]) -> Any:
    """Every change to these records (a child's trail ids), newest first."""
    return (
        AuditEvent.objects.filter(child_id__in=child_ids)
        .exclude(action__in=[str(a) for a in READS])
        .select_related("actor")
    )


@dataclass(frozen=True)
class Value:
    short: str
    full: str = ""  # the whole value, when `short` is cut

    @property
    def cut(self) -> bool:
        return bool(self.full)


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: Value | None  # None: a value the record was created with (nothing before it)
    after: Value


@dataclass
class HistoryRow:
    event: AuditEvent
    kind: str
    what: str
    changes: list[FieldChange] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)  # names only: an older event, or withheld
    withheld: bool = False  # police-only values the reader may not see
    notes: list[str] = field(default_factory=list)  # an import's "3 missing episodes"


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name.removesuffix("_id"))
    except FieldDoesNotExist:  # a key that is no field of the model
        return None


def field_label(model: type[models.Model] | None, name: str) -> str:
    f = _field(model, name)
    label = str(getattr(f, "verbose_name", "") or name.replace("_", " "))
    return label[:1].upper() + label[1:]


def _text(f: Any, value: Any) -> str:
    if value is None or value in ("", []):
        return "Not recorded"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    choices = dict(getattr(f, "flatchoices", None) or [])
    base = getattr(f, "base_field", None)  # an array of choices
    if not choices and base is not None:
        choices = dict(getattr(base, "flatchoices", None) or [])
    if isinstance(value, list):
        return ", ".join(str(choices.get(v, v)) for v in value)
    if choices and value in choices:
        return str(choices[value])
    if isinstance(value, str) and isinstance(f, models.DateTimeField):
        try:
            return format_datetime(dt.datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, str) and isinstance(f, models.DateField):
        try:
            return format_date(dt.date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def show_value(f: Any, value: Any) -> Value:
    text = _text(f, value)
    if len(text) <= SHORT:
        return Value(text)
    return Value(text[:SHORT].rstrip() + "…", text)


def _legacy_changes(detail: dict[str, Any]) -> dict[str, list[Any]]:
    """Events written before changes were kept, whose detail still says before and after."""
    if "decision" in detail and "before" in detail:  # a referral's threshold decision
        return {"decision": [detail["before"], detail["decision"]]}
    if "significant" in detail:
        return {"significant": [not detail["significant"], detail["significant"]]}
    return {}


def _what(event: AuditEvent, model: type[models.Model] | None) -> str:
    name = str(model._meta.verbose_name) if model is not None else (event.object_type or "record")
    detail = event.detail if isinstance(event.detail, dict) else {}
    if event.action == Action.IMPORT:
        return "Imported"
    if event.action == Action.CREATE:
        return f"Added {name}"
    if event.action != Action.UPDATE:
        return f"{event.get_action_display()}: {name}"
    if "restricted" in detail:
        return "Restricted the record" if detail["restricted"] else "Lifted the restriction"
    if "granted_to" in detail:
        return "Named someone on the record"
    if "revoked_from" in detail:
        return "Removed someone named on the record"
    if detail.get("added") == "alias":
        return "Added a name the child is also known by"
    if isinstance(detail.get("closure"), str):
        return f"Closure {detail['closure']}"
    if "review" in detail:
        return f"Reviewed {name}"
    return f"Changed {name}"


def read(event: AuditEvent, *, sees_police_only: bool) -> HistoryRow:
    """One event as a row of the history."""
    model = _model(event.object_type)
    detail = event.detail if isinstance(event.detail, dict) else {}
    row = HistoryRow(event, kind_of(event), _what(event, model))
    if event.action == Action.IMPORT:
        created, changed = describe(detail)
        row.notes = [*(f"Created {c}" for c in created), *(f"Changed {c}" for c in changed)]
        return row
    changes = detail.get("changes")
    if not isinstance(changes, dict):
        changes = _legacy_changes(detail)
    if changes and detail.get("police_only") and not sees_police_only:
        row.withheld = True
        row.fields = [field_label(model, name) for name in changes]
        return row
    if changes:
        for name, pair in changes.items():
            old, new = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
            f = _field(model, name)
            first = event.action == Action.CREATE and old is None
            row.changes.append(
                FieldChange(
                    field_label(model, name), None if first else show_value(f, old), show_value(f, new)
                )
            )
        return row
    names = detail.get("fields")
    if isinstance(names, list):
        row.fields = [field_label(model, str(name)) for name in names]
    return row
