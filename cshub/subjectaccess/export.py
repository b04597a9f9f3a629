"""Everything CSHub holds about a person, as tables, and the ZIP released to them.

The rows are found by the walk disposal uses (`cshub.retention.actions.collect`, itself the
merge's walk of `Person._meta.get_fields(include_hidden=True)`): every row pointing at the
person or at one of those rows. A row linking the person to a shared record (a meeting item
about several children) brings that record and the rows on it. Marked for review:

- every other person named: a link to another person's record, another child on the same
  meeting item (their full name and forename, wherever the text says them);
- every professional named (a user on a row, a viewer in the audit trail);
- every police-only row (`police_only` true);
- every document (the officer reads it before release).
"""

import hashlib
import html
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models.fields.reverse_related import ForeignObjectRel

from cshub.access.models import User
from cshub.audit.models import AuditEvent
from cshub.core import spreadsheet
from cshub.core.dates import format_date, format_datetime
from cshub.documents import storage
from cshub.documents.models import Document
from cshub.people.models import Person
from cshub.retention.actions import collect
from cshub.subjectaccess.models import Decision, ItemKind, ReviewItem

REDACTED_NAME = "[Redacted: another person]"
REDACTED_POLICE = "[Redacted: police-only information]"


@dataclass
class Table:
    label: str  # app.model
    title: str
    columns: list[str]
    rows: list[tuple[Any, list[str]]] = field(default_factory=list)  # (pk, values)
    police_only: set[Any] = field(default_factory=set)


@dataclass
class Gathered:
    tables: list[Table]
    names: dict[str, tuple[str, str]]  # name -> (kind, where)
    documents: list[Document]


def _display(obj: models.Model, f: "models.Field[Any, Any]") -> str:
    value = getattr(obj, f.name)
    if value is None:
        return ""
    if isinstance(value, User):
        return value.get_full_name() or value.username
    if isinstance(value, models.Model):
        return str(value)
    if f.choices:
        return str(getattr(obj, f"get_{f.name}_display")())
    if hasattr(value, "hour") and hasattr(value, "date"):
        return format_datetime(value)
    if hasattr(value, "isoformat"):
        return format_date(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def _shared_targets(rows: dict[type[models.Model], set[Any]]) -> dict[type[models.Model], set[Any]]:
    """Records the person is linked to through a many-to-many table, with the rows on them."""
    extra: dict[type[models.Model], set[Any]] = {}
    for model, pks in rows.items():
        if not model._meta.auto_created:
            continue
        for f in model._meta.concrete_fields:
            target = f.related_model
            if not f.is_relation or target is Person or target is None or isinstance(target, str):
                continue
            ids = set(model._default_manager.filter(pk__in=list(pks)).values_list(f.attname, flat=True))
            extra.setdefault(target, set()).update(ids)
            for rel in target._meta.get_fields():
                if not isinstance(rel, ForeignObjectRel) or rel.many_to_many:
                    continue
                related = rel.related_model
                assert not isinstance(related, str)
                if not related._meta.auto_created:
                    found = related._default_manager.filter(**{f"{rel.field.name}__in": list(ids)})
                    extra.setdefault(related, set()).update(found.values_list("pk", flat=True))
    return extra


def gather(person: Person) -> Gathered:
    own = set(person.trail_ids())
    # The export's own review (its items quote what they mark) is not part of it.
    rows = {m: pks for m, pks in collect(person).items() if m._meta.app_label != "subjectaccess"}
    for model, pks in _shared_targets(rows).items():
        rows.setdefault(model, set()).update(pks)
    names: dict[str, tuple[str, str]] = {}
    tables: list[Table] = []
    documents: list[Document] = []
    for model in sorted(rows, key=lambda m: m._meta.label_lower):
        if model._meta.auto_created:
            others = [f for f in model._meta.concrete_fields if f.is_relation and f.related_model is Person]
            for f in others:
                for pk in (
                    model._default_manager.exclude(**{f.attname: None})
                    .filter(pk__in=list(rows[model]))
                    .values_list(f.attname, flat=True)
                ):
                    if pk not in own:
                        _other_person(names, pk, str(model._meta.verbose_name))
            continue
        concrete = [f for f in model._meta.concrete_fields if not f.primary_key]
        table = Table(
            model._meta.label_lower,
            str(model._meta.verbose_name_plural).capitalize(),
            [str(f.verbose_name).capitalize() for f in concrete],
        )
        for obj in model._default_manager.filter(pk__in=list(rows[model])).order_by("pk"):
            values = []
            for f in concrete:
                target = f.related_model
                if f.is_relation and target is Person:
                    other = getattr(obj, f.attname)
                    if other is not None and other not in own:
                        _other_person(names, other, table.title)
                if (
                    f.is_relation
                    and target is not None
                    and not isinstance(target, str)
                    and issubclass(target, User)
                ):
                    user = getattr(obj, f.name)
                    if user is not None:
                        name = user.get_full_name() or user.username
                        names.setdefault(name, (ItemKind.PROFESSIONAL, table.title))
                values.append(_display(obj, f))
            table.rows.append((obj.pk, values))
            if getattr(obj, "police_only", False) is True:
                table.police_only.add(obj.pk)
            if isinstance(obj, Document):
                documents.append(obj)
        tables.append(table)
    for other_children in _other_children_on_shared(rows, own):
        _other_person(names, other_children, "Meeting items")
    return Gathered(tables, names, documents)


def _other_children_on_shared(rows: dict[type[models.Model], set[Any]], own: set[int]) -> Iterable[int]:
    for model, pks in rows.items():
        if model._meta.auto_created or model is Person:
            continue
        for f in model._meta.many_to_many:
            if f.related_model is Person:
                through = f.remote_field.through
                source = f.m2m_field_name()
                target = f.m2m_reverse_field_name()
                assert through is not None
                assert not isinstance(through, str)
                for pk in through._default_manager.filter(**{f"{source}__in": list(pks)}).values_list(
                    f"{target}_id", flat=True
                ):
                    if pk not in own:
                        yield pk


def _other_person(names: dict[str, tuple[str, str]], pk: int, where: str) -> None:
    other = Person.objects.filter(pk=pk).only("forename", "surname").first()
    if other is None:
        return
    full = f"{other.forename} {other.surname}".strip()
    if full:
        names.setdefault(full, (ItemKind.THIRD_PARTY, where))
    if len(other.forename) >= 3:
        names.setdefault(other.forename, (ItemKind.THIRD_PARTY, where))


def view_events(person: Person) -> list[tuple[str, str, str]]:
    return [
        (
            format_datetime(e.at),
            (e.actor.get_full_name() or e.actor.username) if e.actor else "CSHub",
            e.get_action_display(),
        )
        for e in AuditEvent.objects.filter(child_id__in=person.trail_ids()).views().select_related("actor")
    ]


def items_for(person: Person) -> list[tuple[str, str, str, str]]:
    """(kind, key, text, where) of every item to review."""
    g = gather(person)
    found: list[tuple[str, str, str, str]] = []
    for name, (kind, where) in sorted(g.names.items()):
        found.append((kind, f"name:{name}"[:120], name, where))
    for t in g.tables:
        for pk, values in t.rows:
            if pk in t.police_only:
                found.append(
                    (ItemKind.POLICE_ONLY, f"row:{t.label}:{pk}", " | ".join(v for v in values if v), t.title)
                )
    for d in g.documents:
        found.append((ItemKind.DOCUMENT, f"document:{d.pk}", d.title, f"Document {d.pk} ({d.original_name})"))
    return found


def _redactor(items: Iterable[ReviewItem]) -> tuple[list[str], set[str], set[int]]:
    names, rows, documents = [], set(), set()
    for item in items:
        if item.decision != Decision.REDACT:
            continue
        if item.key.startswith("name:"):
            names.append(item.text)
        elif item.key.startswith("row:"):
            rows.add(item.key.removeprefix("row:"))
        elif item.key.startswith("document:"):
            documents.add(int(item.key.removeprefix("document:")))
    return sorted(names, key=len, reverse=True), rows, documents


def _scrub(text: str, names: list[str]) -> str:
    for name in names:
        text = re.sub(rf"\b{re.escape(name)}\b", REDACTED_NAME, text)
    return text


def build_zip(person: Person, items: Iterable[ReviewItem]) -> bytes:
    """The export as released: every redaction decided applied."""
    names, rows, withheld = _redactor(items)
    g = gather(person)
    buffer = io.BytesIO()
    page = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>Subject access export: record {person.pk}</title></head><body>",
        f"<h1>What CSHub holds about record {person.pk}</h1>",
    ]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for t in g.tables:
            out = io.StringIO()
            writer = spreadsheet.writer(out)
            writer.writerow(t.columns)
            page.append(f"<h2>{html.escape(t.title)}</h2><table border='1'><tr>")
            page.extend(f"<th>{html.escape(c)}</th>" for c in t.columns)
            page.append("</tr>")
            for pk, raw in t.rows:
                police = f"{t.label}:{pk}" in rows
                values = [_scrub(REDACTED_POLICE if police and v else v, names) for v in raw]
                writer.writerow(values)
                page.append("<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in values) + "</tr>")
            page.append("</table>")
            archive.writestr(f"csv/{t.label}.csv", out.getvalue())
        viewed = io.StringIO()
        writer = spreadsheet.writer(viewed)
        writer.writerow(["When", "Who", "What"])
        page.append(
            "<h2>Who viewed the record</h2><table border='1'><tr><th>When</th><th>Who</th><th>What</th></tr>"
        )
        for event in view_events(person):
            row = [_scrub(v, names) for v in event]
            writer.writerow(row)
            page.append("<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in row) + "</tr>")
        page.append("</table><h2>Documents</h2><ul>")
        archive.writestr("csv/viewed.csv", viewed.getvalue())
        for d in g.documents:
            if d.pk in withheld or d.removed_at is not None or not d.stored_name:
                page.append(f"<li>Document {d.pk}: withheld</li>")
                continue
            name = f"documents/{d.pk}-{re.sub(r'[^A-Za-z0-9._-]', '_', d.original_name)}"
            try:
                archive.writestr(name, storage.read(d.stored_name))
            except FileNotFoundError:
                page.append(f"<li>Document {d.pk}: the file is missing</li>")
                continue
            page.append(f"<li><a href='{html.escape(name)}'>{html.escape(_scrub(d.title, names))}</a></li>")
        page.append("</ul></body></html>")
        archive.writestr("index.html", "".join(page))
    return buffer.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
