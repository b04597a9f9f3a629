"""Merging two records of one child, and unmerging them (docs/merging.md).

`merge_people(survivor, merged, …)` moves every row that points at the merged record to
the survivor, found by introspecting the relations to `Person` (every app's foreign keys
and many-to-many tables, hidden ones too), so a model added later is moved without this
module knowing it. Each moved row is recorded (`MergedRow`: model, primary key, field and
any value changed to make it fit), so `unmerge(merged, …)` moves back exactly those rows and
leaves what was added to the survivor since. The merged record keeps its own fields and
its audit trail (events keep their record ids); it forwards to the survivor.

A row that cannot move because the survivor already has its one-per-child equivalent is
handled by rule (RULES), decided before anything moves; a clash with no rule refuses the
merge with an explanation, never a database error.
"""

import enum
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max, Q
from django.db.models.fields.reverse_related import ForeignObjectRel, ManyToOneRel
from django.utils import timezone

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.core import locks
from cshub.core.dates import format_date
from cshub.people.access import is_named, may_see
from cshub.people.actions import require
from cshub.people.models import MergedRow, NameKind, Person, PersonMerge


class Clash(enum.Enum):
    STAYS = "stays"  # the merged record's row stays with it: the survivor has its equivalent
    RENUMBER = "renumber"  # numbered after the survivor's (a plan's version)


# What to do with a merged record's row that would break a one-per-child rule on the
# survivor. Tables that link records to people (many-to-many) always keep theirs: the
# survivor is already on that meeting item, task or operation.
RULES: dict[str, tuple[Clash, str]] = {
    "people.accessgrant": (Clash.STAYS, ""),  # that person is already named on the survivor
    "missing.missingflag": (Clash.STAYS, ""),  # the survivor has that flag open already
    "linkage.linkageref": (Clash.STAYS, ""),  # the survivor keeps its ref; the merged one's is withdrawn
    "plans.safetyplan": (Clash.RENUMBER, "version"),
    "plans.triggerplan": (Clash.RENUMBER, "version"),
}

# Clashes with no rule: what to tell the person merging (else a general sentence).
REFUSALS = {
    "one_open_episode_per_child": (
        "Both records have an open hub episode. A child has one: close the one opened on the "
        "wrong record (with its reason), then merge"
    ),
}

# Relations not moved: the record's own links, the merge records themselves, and break
# glass (an emergency look at one record, not a key to another).
NOT_MOVED = {
    ("people.person", "merged_into"),
    ("people.personmerge", "survivor"),
    ("people.personmerge", "merged"),
}
STAY_WITH_RECORD = {"people.breakglass"}


@dataclass(frozen=True)
class Relation:
    model: type[models.Model]
    field: str  # the foreign key to Person on `model`

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    @property
    def name(self) -> str:
        """What the rows are, on a page: a link table's rows by what they link to."""
        if self.is_link_table:
            for f in self.model._meta.concrete_fields:
                target = f.related_model
                if (
                    f.is_relation
                    and f.name != self.field
                    and target is not None
                    and not isinstance(target, str)
                ):
                    return str(target._meta.verbose_name_plural).capitalize()
        return str(self.model._meta.verbose_name_plural).capitalize()

    @property
    def is_link_table(self) -> bool:
        return bool(self.model._meta.auto_created)


def relations() -> list[Relation]:
    """Every foreign key to Person, hidden ones (related_name="+") and the many-to-many
    tables' included: a many-to-many is moved as the rows of its table."""
    found = []
    for rel in Person._meta.get_fields(include_hidden=True):
        if not isinstance(rel, ForeignObjectRel) or not isinstance(rel, ManyToOneRel):
            continue
        model = rel.related_model
        assert not isinstance(model, str)
        relation = Relation(model, rel.field.name)
        if (relation.label, relation.field) in NOT_MOVED or relation.label in STAY_WITH_RECORD:
            continue
        found.append(relation)
    return sorted(found, key=lambda r: (r.label, r.field))


@dataclass
class Plan:
    """What a merge will do, worked out before anything moves (the compare page shows it)."""

    moves: dict[Relation, list[Any]] = field(default_factory=dict)  # primary keys
    stays: dict[Relation, int] = field(default_factory=dict)  # rows kept on the merged record
    renumber: dict[Relation, str] = field(default_factory=dict)  # relation -> its numbered field
    refusals: list[str] = field(default_factory=list)

    def counts(self) -> list[tuple[str, int]]:
        return sorted((r.name, len(pks)) for r, pks in self.moves.items() if pks)


def _unique_sets(relation: Relation) -> list[tuple[str, list[str], Q | None]]:
    """(name, the other fields, condition) of each unique rule on the relation's model
    that includes its foreign key to the person."""
    meta = relation.model._meta
    found: list[tuple[str, list[str], Q | None]] = []
    fk = meta.get_field(relation.field)
    if getattr(fk, "unique", False):
        found.append((f"{relation.label}.{relation.field}", [], None))
    for fields in meta.unique_together:
        if relation.field in fields:
            found.append((relation.label, [f for f in fields if f != relation.field], None))
    for constraint in meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and relation.field in constraint.fields:
            others = [f for f in constraint.fields if f != relation.field]
            found.append((constraint.name, others, constraint.condition))
    return found


def _clashing(relation: Relation, survivor: Person, merged: Person) -> dict[str, set[Any]]:
    """For each unique rule, the merged record's rows that the survivor already has the
    equivalent of."""
    manager = relation.model._default_manager
    clashes: dict[str, set[Any]] = {}
    for name, others, condition in _unique_sets(relation):
        ours = manager.filter(**{relation.field: merged})
        theirs = manager.filter(**{relation.field: survivor})
        if condition is not None:
            ours, theirs = ours.filter(condition), theirs.filter(condition)
        taken = {tuple(row) for row in theirs.values_list(*others)} if others else set()
        if not others:
            found = set(ours.values_list("pk", flat=True)) if theirs.exists() else set()
        else:
            found = {row[0] for row in ours.values_list("pk", *others) if tuple(row[1:]) in taken}
        if found:
            clashes[name] = found
    return clashes


def plan(survivor: Person, merged: Person) -> Plan:
    result = Plan()
    for relation in relations():
        pks = list(
            relation.model._default_manager.filter(**{relation.field: merged})
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not pks:
            continue
        staying: set[Any] = set()
        for name, rows in _clashing(relation, survivor, merged).items():
            rule = RULES.get(relation.label)
            if relation.is_link_table or (rule and rule[0] is Clash.STAYS):
                staying |= rows
            elif rule and rule[0] is Clash.RENUMBER:
                result.renumber[relation] = rule[1]
            else:
                result.refusals.append(
                    REFUSALS.get(
                        name,
                        f"Both records have {relation.name} of which a child can have only one. "
                        "Correct it on one of the records, then merge",
                    )
                )
        result.moves[relation] = [pk for pk in pks if pk not in staying]
        if staying:
            result.stays[relation] = len(staying)
    return result


def refusals(survivor: Person, merged: Person, actor: User) -> list[str]:
    """Why these two records cannot be merged by this person, if they cannot."""
    found = []
    if survivor.pk == merged.pk:
        found.append("A record cannot be merged into itself")
    if survivor.merged_into_id is not None or merged.merged_into_id is not None:
        found.append("One of these records has already been merged into another record")
    if survivor.person_type != merged.person_type:
        found.append(
            "One record is a child's and the other an adult's. Correct the record that is wrong "
            "first (on its details page), then merge"
        )
    for person in (survivor, merged):
        if not may_see(actor, person):
            found.append("You cannot see one of these records")
        elif person.restricted and not is_named(actor, person):
            found.append(
                "One of these records is restricted. Only someone named on every restricted "
                "record can merge it"
            )
    return list(dict.fromkeys(found))


def _hold(*people: Person) -> None:
    """Both children's locks and rows, in id order (two merges of one pair wait in turn)."""
    ordered = sorted(people, key=lambda p: p.pk)
    locks.hold(*(locks.child(p.pk) for p in ordered))
    for person in ordered:
        locks.claim(person)


def _highest_pks() -> dict[str, Any]:
    """Each relation's highest primary key now: rows above it came after the merge."""
    highest: dict[str, Any] = {}
    for relation in relations():
        highest[relation.label] = relation.model._default_manager.aggregate(m=Max("pk"))["m"]
    return highest


@transaction.atomic
def merge_people(survivor: Person, merged: Person, *, actor: User, reason: str) -> PersonMerge:
    """Merge `merged` into `survivor`: every row of the merged record moves to the survivor,
    the merged record forwards to it. Raises ValidationError (the reason) when it cannot."""
    require(actor, Perm.MERGE_PEOPLE)
    _hold(survivor, merged)
    problems = refusals(survivor, merged, actor)
    if not reason.strip():
        problems.append("Give the reason for merging these records")
    work = plan(survivor, merged)
    if problems or work.refusals:
        raise ValidationError(problems + work.refusals)
    before: dict[str, Any] = {}
    if merged.restricted and not survivor.restricted:
        # The child's records stay restricted: the survivor takes the restriction (and the
        # merged record's named people move with its grants).
        before = {"restricted": False, "restricted_reason": survivor.restricted_reason}
        survivor.restricted, survivor.restricted_reason = True, merged.restricted_reason
        survivor.save(update_fields=["restricted", "restricted_reason", "updated_at"])
    now = timezone.now()
    merge = PersonMerge.objects.create(
        survivor=survivor,
        merged=merged,
        merged_by=actor,
        merged_at=now,
        reason=reason.strip(),
        survivor_before={**before, "highest": _highest_pks()},
    )
    rows: list[MergedRow] = []
    for relation, pks in work.moves.items():
        if not pks:
            continue
        manager = relation.model._default_manager
        number = work.renumber.get(relation)
        if number:
            # Numbered after the survivor's own, in their order; the old number is kept.
            top = manager.filter(**{relation.field: survivor}).aggregate(m=Max(number))["m"] or 0
            for n, obj in enumerate(manager.filter(pk__in=pks).order_by(number, "pk"), start=1):
                rows.append(_row(merge, relation, obj.pk, {number: getattr(obj, number)}))
                manager.filter(pk=obj.pk).update(**{relation.field: survivor, number: top + n})
            continue
        if relation.label == "people.personname":
            # The merged record's name becomes one the child is also known by.
            primary = set(manager.filter(pk__in=pks, kind=NameKind.PRIMARY).values_list("pk", flat=True))
            manager.filter(pk__in=primary).update(kind=NameKind.ALIAS)
            rows += [
                _row(merge, relation, pk, {"kind": NameKind.PRIMARY} if pk in primary else {}) for pk in pks
            ]
        else:
            rows += [_row(merge, relation, pk, {}) for pk in pks]
        manager.filter(pk__in=pks).update(**{relation.field: survivor})
    MergedRow.objects.bulk_create(rows, batch_size=500)
    Person.objects.filter(pk=merged.pk).update(merged_into=survivor, merged_at=now)
    merged.merged_into, merged.merged_at = survivor, now
    moved = dict(Counter(r.model for r in rows))
    detail = {"merge": merge.pk, "survivor": survivor.pk, "merged": merged.pk, "moved": moved}
    if before:
        detail["changes"] = {"restricted": {"before": False, "after": True}}
    record_event(actor, Action.UPDATE, survivor, child_id=survivor.pk, reason=merge.reason, detail=detail)
    record_event(
        actor,
        Action.UPDATE,
        merged,
        child_id=merged.pk,
        reason=merge.reason,
        detail={**detail, "changes": {"merged_into": {"before": None, "after": survivor.pk}}},
    )
    return merge


def _row(merge: PersonMerge, relation: Relation, pk: Any, before: dict[str, Any]) -> MergedRow:
    return MergedRow(
        merge=merge, model=relation.label, object_pk=str(pk), field=relation.field, before=before
    )


def open_merge(merged: Person) -> PersonMerge | None:
    """The merge that made this record forward, if it does."""
    if merged.merged_into_id is None:
        return None
    return PersonMerge.objects.filter(merged=merged, unmerged_at__isnull=True).order_by("-merged_at").first()


@dataclass
class Added:
    """Records added to the survivor since the merge, by kind: they stay with it."""

    name: str
    count: int
    examples: list[str]


def added_since(merge: PersonMerge) -> list[Added]:
    highest = merge.survivor_before.get("highest", {})
    moved = {(r.model, r.object_pk) for r in merge.rows.all()}
    found = []
    for relation in relations():
        qs = relation.model._default_manager.filter(**{relation.field: merge.survivor_id})
        top = highest.get(relation.label)
        if top is not None:
            qs = qs.filter(pk__gt=top)
        rows = [obj for obj in qs.order_by("pk") if (relation.label, str(obj.pk)) not in moved]
        if rows:
            found.append(Added(relation.name, len(rows), [_describe(obj) for obj in rows[:5]]))
    return found


def _describe(obj: models.Model) -> str:
    for name in (
        "received_date",
        "reported_at",
        "open_date",
        "completed_date",
        "written_at",
        "occurred_at",
        "uploaded_at",
        "created_at",
        "recorded_at",
    ):
        value = getattr(obj, name, None)
        if value is not None and hasattr(value, "year"):
            return f"{obj._meta.verbose_name} of {format_date(value)}"
    return str(obj._meta.verbose_name)


@transaction.atomic
def unmerge(merged: Person, *, actor: User, reason: str) -> PersonMerge:
    """Move back exactly the rows the merge moved (those still on the survivor), restore
    what the merge changed on them and on the survivor, and end the forwarding. Rows added
    to the survivor since stay with it."""
    require(actor, Perm.MERGE_PEOPLE)
    merge = open_merge(merged)
    if merge is None:
        raise ValidationError("This record has not been merged into another")
    survivor = merge.survivor
    _hold(survivor, merged)
    merge.refresh_from_db()
    problems = []
    if merge.unmerged_at is not None or merged.merged_into_id != survivor.pk:
        problems.append("This record has already been unmerged")
    if survivor.merged_into_id is not None:
        problems.append(
            "The record it was merged into has since been merged into another. Unmerge that first"
        )
    # The survivor holds both records' restriction and named people while they are merged.
    if not may_see(actor, survivor):
        problems.append("You cannot see this record")
    elif survivor.restricted and not is_named(actor, survivor):
        problems.append("This record is restricted. Only someone named on it can unmerge it")
    if not reason.strip():
        problems.append("Give the reason for unmerging these records")
    if problems:
        raise ValidationError(list(dict.fromkeys(problems)))
    back: Counter[str] = Counter()
    for row in merge.rows.all():
        model = apps.get_model(row.model)
        updated = model._default_manager.filter(pk=row.object_pk, **{row.field: survivor}).update(
            **{row.field: merged, **row.before}
        )
        back[row.model] += updated
    restored = {k: v for k, v in merge.survivor_before.items() if k != "highest"}
    if restored:
        for name, value in restored.items():
            setattr(survivor, name, value)
        survivor.save(update_fields=[*restored, "updated_at"])
    Person.objects.filter(pk=merged.pk).update(merged_into=None, merged_at=None)
    merged.merged_into, merged.merged_at = None, None
    merge.unmerged_by, merge.unmerged_at, merge.unmerge_reason = actor, timezone.now(), reason.strip()
    merge.save(update_fields=["unmerged_by", "unmerged_at", "unmerge_reason"])
    detail = {"unmerge": merge.pk, "survivor": survivor.pk, "merged": merged.pk, "moved_back": dict(back)}
    record_event(
        actor, Action.UPDATE, survivor, child_id=survivor.pk, reason=merge.unmerge_reason, detail=detail
    )
    record_event(
        actor,
        Action.UPDATE,
        merged,
        child_id=merged.pk,
        reason=merge.unmerge_reason,
        detail={**detail, "changes": {"merged_into": {"before": survivor.pk, "after": None}}},
    )
    return merge
