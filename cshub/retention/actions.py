"""Changing retention rules, placing and lifting legal holds, and disposing of a record.

Disposal (`dispose`) deletes the person's record and every row that depends on it, found by
the same walk of `Person._meta.get_fields(include_hidden=True)` as merging
(`cshub.people.merge`), followed on to the rows that depend on those rows, in one
transaction; it leaves a tombstone (`Disposal`) and a DISPOSE audit event, scrubs the
before/after values of the person's UPDATE events, and deletes the documents' files once
the transaction has committed. Audit events are kept.
"""

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models.fields.reverse_related import ForeignObjectRel
from django.utils import timezone

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.changes import change_detail, snapshot
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.audit.scrub import scrub_child_changes
from cshub.core.limits import SHORT_TEXT_MAX
from cshub.documents import storage
from cshub.documents.models import Document
from cshub.people.models import Person
from cshub.retention.due import item_for
from cshub.retention.models import Basis, Disposal, LegalHold, RetentionRule

RULE_FIELDS = ["basis", "years", "policy"]


def require(user: User, perm: Perm) -> None:
    if not user.has(perm):
        raise PermissionDenied(f"missing permission {perm}")


@transaction.atomic
def update_rule(actor: User, rule: RetentionRule, *, basis: str, years: int, policy: str) -> RetentionRule:
    require(actor, Perm.MANAGE_RETENTION)
    if basis not in Basis.values:
        raise ValidationError({"basis": "Choose what the period is counted from"})
    if not 1 <= years <= 120:
        raise ValidationError({"years": "Enter a period between 1 and 120 years"})
    rule = RetentionRule.objects.select_for_update().get(pk=rule.pk)
    before = snapshot(rule, RULE_FIELDS)
    rule.basis, rule.years, rule.policy = basis, years, policy.strip()
    rule.updated_at, rule.updated_by = timezone.now(), actor
    rule.full_clean()
    rule.save()
    record_event(actor, Action.UPDATE, rule, detail=change_detail(before, snapshot(rule, RULE_FIELDS)))
    return rule


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter the reason"})
    if len(reason) > SHORT_TEXT_MAX:
        raise ValidationError({"reason": f"Reason must be {SHORT_TEXT_MAX} characters or fewer"})
    return reason


@transaction.atomic
def place_hold(actor: User, person: Person, reason: str) -> LegalHold:
    require(actor, Perm.MANAGE_RETENTION)
    hold = LegalHold.objects.create(person=person, reason=_reason(reason), placed_by=actor)
    record_event(actor, Action.CREATE, hold, child_id=person.pk, reason=hold.reason)
    return hold


@transaction.atomic
def lift_hold(actor: User, hold: LegalHold, reason: str) -> LegalHold:
    require(actor, Perm.MANAGE_RETENTION)
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if hold.lifted_at is not None:
        return hold
    hold.lifted_at, hold.lifted_by = timezone.now(), actor
    hold.save(update_fields=["lifted_at", "lifted_by"])
    record_event(
        actor, Action.UPDATE, hold, child_id=hold.person_id, reason=_reason(reason), detail={"lifted": True}
    )
    return hold


# ---------------------------------------------------------------------------------------
# Disposal


@dataclass(frozen=True)
class _Ref:
    model: type[models.Model]
    field: str  # the foreign key on `model`


def _dependents(model: type[models.Model]) -> list[_Ref]:
    """Every foreign key pointing at `model` (hidden ones and many-to-many tables too)."""
    found = []
    for rel in model._meta.get_fields(include_hidden=True):
        if not isinstance(rel, ForeignObjectRel) or rel.many_to_many:
            continue
        related = rel.related_model
        assert not isinstance(related, str)
        found.append(_Ref(related, rel.field.name))
    return found


def collect(person: Person) -> dict[type[models.Model], set[Any]]:
    """The rows to delete: the person, records merged into them, every row pointing at one of
    those, and on: rows pointing at a row already collected. A row that points at a
    collected row only by an optional link (a task from a child's meeting item, say) is
    collected too: it is about this child."""
    rows: dict[type[models.Model], set[Any]] = {Person: set(person.trail_ids())}
    frontier: dict[type[models.Model], set[Any]] = {Person: set(rows[Person])}
    while frontier:
        new: dict[type[models.Model], set[Any]] = {}
        for model, pks in frontier.items():
            for ref in _dependents(model):
                if ref.model is Disposal:
                    continue
                found = set(
                    ref.model._default_manager.filter(**{f"{ref.field}__in": list(pks)}).values_list(
                        "pk", flat=True
                    )
                )
                fresh = found - rows.get(ref.model, set())
                if fresh:
                    rows.setdefault(ref.model, set()).update(fresh)
                    new.setdefault(ref.model, set()).update(fresh)
        frontier = new
    return rows


def may_dispose(person: Person) -> list[str]:
    """Why this record may not be disposed of today (empty: it may)."""
    item = item_for(person.pk)
    if item is None:
        return ["This record is not due for disposal under its retention rule"]
    return item.held


@transaction.atomic
def dispose(actor: User, person: Person, reason: str) -> Disposal:
    require(actor, Perm.DISPOSE_RECORDS)
    reason = _reason(reason)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.merged_into_id is not None:
        raise ValidationError("This record was merged into another: dispose of that one")
    item = item_for(person.pk)
    if item is None or item.due_on is None:
        raise ValidationError("This record is not due for disposal under its retention rule")
    if item.held:
        raise ValidationError(f"This record is held: {'; '.join(item.held)}")
    rows = collect(person)
    files = list(
        Document.objects.filter(pk__in=rows.get(Document, set()))
        .exclude(stored_name="")
        .values_list("stored_name", flat=True)
    )
    counts: Counter[str] = Counter()
    for model, pks in rows.items():
        # Foreign keys are checked at commit (deferred on PostgreSQL and SQLite), so the order
        # does not matter; a row this walk missed fails the commit and nothing is deleted.
        counts[model._meta.label_lower] = model._default_manager.filter(pk__in=list(pks))._raw_delete(
            model._default_manager.db
        )
    ids = sorted(rows[Person])
    disposal = Disposal.objects.create(
        record_type=item.record_type,
        old_id=person.pk,
        merged_ids=[pk for pk in ids if pk != person.pk],
        rule=item.rule,
        due_on=item.due_on,
        disposed_by=actor,
        reason=reason,
        rows=dict(sorted(counts.items())),
        documents=len(files),
    )
    disposal.audit_events_scrubbed = scrub_child_changes(ids, f"disposal {disposal.pk}")
    disposal.save(update_fields=["audit_events_scrubbed"])
    record_event(
        actor,
        Action.DISPOSE,
        disposal,
        child_id=person.pk,
        reason=reason,
        detail={
            "record_type": item.record_type,
            "old_id": person.pk,
            "rule": item.rule,
            "rows": disposal.rows,
        },
    )

    def remove_files() -> None:
        for name in files:
            storage.remove(name)

    transaction.on_commit(remove_files)
    return disposal
