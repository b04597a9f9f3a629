"""Writing a validated import in one transaction: create what is new, update what changed,
leave the rest. The audit trail gets one event per child the import touched, naming the
import and listing every record it created or changed about that child (and which
fields), and one event for the import itself (with the records about no child)."""

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from cshub.access.models import User
from cshub.assurance.models import ReferencePopulation
from cshub.audit.context import channel, request_id
from cshub.audit.models import Action, AuditEvent
from cshub.consultations.models import Consultation
from cshub.intelligence.models import Link, Subject
from cshub.interchange import intel, supervision
from cshub.interchange.bindings import BINDINGS, Binding, Refs
from cshub.interchange.fastinsert import insert_new, insert_objects, insert_rows, reserve_ids, same_as_stored
from cshub.interchange.models import ImportRun
from cshub.interchange.reader import Parsed, Row
from cshub.interchange.records import existing, existing_rows
from cshub.missing.models import InterviewEntry, MissingEpisode
from cshub.people.models import NameKind, Person, PersonName, TimelineEntry, TimelineKind
from cshub.people.names import add_words, index_words
from cshub.people.timeline import start_of_day
from cshub.referrals.models import Referral
from cshub.register.sync import sync_people

# Labels for timeline summaries, looked up once rather than per record.
_EXPLOITATION = {str(k): str(v) for k, v in Referral._meta.get_field("primary_type").flatchoices}
_DECISION = {str(k): str(v) for k, v in Referral._meta.get_field("decision").flatchoices}
_AGENCY = {str(k): str(v) for k, v in Consultation._meta.get_field("caller_agency").flatchoices}
_OUTCOME = {str(k): str(v) for k, v in Consultation._meta.get_field("outcome").flatchoices}
_HOW = {str(k): str(v) for k, v in Consultation._meta.get_field("how").flatchoices}
_MISSING_TYPE = {str(k): str(v) for k, v in MissingEpisode._meta.get_field("missing_type").flatchoices}
BATCH = 1000


@dataclass
class Counts:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


class Writer:
    def __init__(
        self, parsed: Parsed, run: ImportRun, actor: User | None, progress: Callable[[int], None] | None
    ) -> None:
        self.parsed, self.run, self.actor, self.progress = parsed, run, actor, progress
        self.refs: Refs = {b.key: {} for b in BINDINGS}
        # The child each episode and missing episode is about, for the audit events of the
        # assessments and return interviews that hang from them.
        self.child_of: dict[str, dict[int, int]] = {"episode": {}, "missing": {}}
        self.counts = Counts()
        # Per child (None: records about no child): what the import created and changed.
        self.touched: dict[int | None, dict[str, dict[str, Any]]] = defaultdict(dict)
        self.timeline: list[tuple[Any, ...]] = []
        self.day_starts: dict[dt.date, dt.datetime] = {}
        self.now = timezone.now()
        self.actor_id = getattr(actor, "pk", None)
        self.new_links: list[int] = []  # intelligence links written, for their alerts
        self.forwarding: dict[int, int] | None = None  # merged records: Person.forwarding()
        self.links = {
            name: reverse(name, args=[0])[:-2]
            for name in ("referrals:detail", "casework:episode", "consultations:detail")
        }

    def _resolve(self, binding: Binding) -> None:
        """Database ids for references to records that are not in this import."""
        table = self.parsed.tables[binding.key]
        for column in table.table.columns:
            if column.kind == "ref":
                missing = {r[column.name] for r in table.rows if r[column.name]} - set(self.refs[column.ref])
                for ident, obj in existing(_model(column.ref), missing).items():
                    self.refs[column.ref][ident] = obj.pk
                    if column.ref in self.child_of:
                        self.child_of[column.ref][obj.pk] = obj.person_id
                if column.ref == "person":
                    self._follow_merges()

    def _follow_merges(self) -> None:
        """A person id naming a record merged since (cshub/people/merge.py) names the record
        it was merged into: rows about them go there, and a re-import does not move rows
        the merge moved back to the merged record. The merged record's own person.csv row
        still updates it (its details are kept with its trail)."""
        if self.forwarding is None:
            self.forwarding = Person.forwarding()
        forwards, refs = self.forwarding, self.refs["person"]
        if not forwards:
            return
        for ident, pk in refs.items():
            if pk in forwards:
                refs[ident] = forwards[pk]

    def _child(self, binding: Binding, pk: int, values: dict[str, Any]) -> int | None:
        """The child a record is about (None for a professional)."""
        if binding.key == "person":
            return pk
        if binding.key in ("assessment", "supervision"):
            return self.child_of["episode"].get(values["episode_id"])
        if binding.key == "return_interview":
            return self.child_of["missing"].get(values["missing_episode_id"])
        return values.get("person_id")

    def _event(
        self, action: Action, label: str, pk: int, child: int | None, fields: list[str] | None = None
    ) -> None:
        what = self.touched[child]
        if action == Action.CREATE:
            what.setdefault("created", {}).setdefault(label, []).append(pk)
        else:
            what.setdefault("changed", {}).setdefault(label, {})[str(pk)] = fields

    def write_table(self, binding: Binding) -> None:
        table = self.parsed.tables[binding.key]
        self._resolve(binding)
        if binding.prepare is not None:
            binding.prepare(self, table)
        label = binding.model._meta.label_lower
        refs = self.refs[binding.key]
        owners = self.child_of.get(binding.key)
        new: list[tuple[str, dict[str, Any]]] = []
        changed: list[Any] = []
        changed_fields: set[str] = set()
        rows = [(row[table.table.id_column], binding.fields(row, self.refs)) for row in table.rows]
        names = list(rows[0][1]) if rows else []
        # The records held, as value tuples (pk first) read in one query: a re-import of a
        # whole history compares them without building a model instance for each.
        found = existing_rows(binding.model, table.ids(), names)
        by_attname = {f.attname: f for f in binding.model._meta.concrete_fields}
        same = [
            (i, name, same_as_stored(by_attname[name]))
            for i, name in enumerate(names, 1)
            if name not in binding.create_only
        ]
        # Names as they were, before this import's changes are applied to the records.
        names_before: dict[str, tuple[str, str]] = {}
        if binding.key == "person":
            fore, sur = names.index("forename") + 1, names.index("surname") + 1
            names_before = {i: (held[fore], held[sur]) for i, held in found.items()}
        differ: dict[int, dict[str, Any]] = {}  # pk: the values of a row that may have changed
        for n, (ident, values) in enumerate(rows):
            held = found.get(ident)
            if held is None:
                new.append((ident, values))
            else:
                pk = held[0]
                if not all(test(values[name], held[i]) for i, name, test in same):
                    differ[pk] = values
                refs[ident] = pk
                if owners is not None:
                    owners[pk] = values["person_id"]
            if self.progress and n % 500 == 0:
                self.progress(500)
        for obj in _instances(binding.model, differ):
            values = differ[obj.pk]
            diff = [
                name
                for name, value in values.items()
                if name not in binding.create_only and getattr(obj, name) != value
            ]
            if diff:
                was_about = self._child(binding, obj.pk, obj.__dict__)
                for name in diff:
                    setattr(obj, name, values[name])
                changed.append(obj)
                changed_fields.update(diff)
                now_about = self._child(binding, obj.pk, obj.__dict__)
                self._event(Action.UPDATE, label, obj.pk, now_about, diff)
                if was_about != now_about:  # moved to another child: both trails say so
                    self._event(Action.UPDATE, label, obj.pk, was_about, diff)
        if changed:
            binding.model._default_manager.bulk_update(changed, sorted(changed_fields), batch_size=BATCH)
        pks = reserve_ids(binding.model, len(new))
        if binding.model is User:
            users = [self._new_user(ident, values) for ident, values in new]
            for user, pk in zip(users, pks, strict=True):
                user.pk = pk
            insert_objects(User, users)
        else:
            for ident, values in new:
                values["source_id"] = ident
            insert_new(binding.model, [values for _, values in new], pks)
        for (ident, values), pk in zip(new, pks, strict=True):
            refs[ident] = pk
            if owners is not None:
                owners[pk] = values["person_id"]
            self._event(Action.CREATE, label, pk, self._child(binding, pk, values))
            self._timeline(binding.key, label, pk, values)
        if binding.key == "person":
            self._names(table.rows, names_before)
            self._follow_merges()
        self.counts.created[binding.key] = len(new)
        self.counts.updated[binding.key] = len(changed)
        self.counts.unchanged[binding.key] = len(table.rows) - len(new) - len(changed)

    @staticmethod
    def _new_user(ident: str, values: dict[str, Any]) -> User:
        """An imported professional: an account nobody can sign in to until a manager acts."""
        username = "prof-" + re.sub(r"[^\w.@+-]", "-", ident)[:140]
        user = User(username=username, is_active=False, source_id=ident, **values)
        user.set_unusable_password()
        return user

    def _names(self, rows: list[Row], before: dict[str, tuple[str, str]]) -> None:
        """Rebuild the search index of names for people created or renamed by this import."""
        aliases_before: dict[int, list[str]] = defaultdict(list)
        held = {self.refs["person"][ident] for ident in before}
        # One query: the aliases of the people held, or every alias when they are many.
        held_aliases = PersonName.objects.filter(kind=NameKind.ALIAS)
        if len(held) <= BATCH:
            held_aliases = held_aliases.filter(person_id__in=sorted(held))
        if held:
            for person_id, forename, surname in held_aliases.order_by().values_list(
                "person_id", "forename", "surname"
            ):
                if person_id in held:
                    aliases_before[person_id].append(f"{forename} {surname}".strip())
        renamed = []
        names: list[tuple[Any, ...]] = []
        for row in rows:
            pk = self.refs["person"][row["pers_person_id"]]
            old = before.get(row["pers_person_id"])  # (forename, surname) before this import
            raw = row["csh_aliases"]
            aliases = [a.strip() for a in raw.split(";") if a.strip()] if raw else []
            if old is not None:
                same_name = old == (row["pers_forename"] or "", row["pers_surname"] or "")
                if same_name and sorted(aliases_before[pk]) == sorted(aliases):
                    continue
                renamed.append(pk)
            names.append(_name(pk, NameKind.PRIMARY, row["pers_forename"] or "", row["pers_surname"] or ""))
            for alias in aliases:
                forename, _, surname = alias.rpartition(" ") if " " in alias else (alias, "", "")
                names.append(_name(pk, NameKind.ALIAS, forename, surname))
        for start in range(0, len(renamed), BATCH):
            PersonName.objects.filter(person_id__in=renamed[start : start + BATCH]).delete()
        add_words((row[5], row[6]) for row in names)  # the search dictionary: new words only
        insert_rows(PersonName, NAME_COLUMNS, names)

    def _day_start(self, day: dt.date) -> dt.datetime:
        """start_of_day() once per date: a history has many records on each day."""
        when = self.day_starts.get(day)
        if when is None:
            when = self.day_starts[day] = start_of_day(day).astimezone(dt.UTC)  # as it is stored
        return when

    def _timeline(self, key: str, label: str, pk: int, v: dict[str, Any]) -> None:
        def add(kind: TimelineKind, summary: str, when: Any, link: str = "") -> None:
            self.timeline.append(
                (
                    v["person_id"],
                    when if isinstance(when, dt.datetime) else self._day_start(when),
                    kind.value,  # a plain string: the database driver binds it without asking how
                    summary,
                    link,
                    label,
                    str(pk),
                    self.actor_id,
                    self.now,
                    False,
                    not isinstance(when, dt.datetime),  # date_only
                )
            )

        if key == "referral":
            link = f"{self.links['referrals:detail']}{pk}/"
            kind = v["primary_type"]
            add(
                TimelineKind.REFERRAL,
                f"Referral received: {_EXPLOITATION.get(kind, kind)}",
                v["received_date"],
                link,
            )
            if v["decision"] != "PENDING" and v["decision_date"]:
                decision = _DECISION.get(v["decision"], v["decision"])
                add(
                    TimelineKind.DECISION,
                    f"Threshold decision: {decision}. {v['decision_rationale']}",
                    v["decision_date"],
                    link,
                )
        elif key == "consultation" and v["person_id"] is not None:
            # As consultations.actions words it.
            add(
                TimelineKind.CONSULTATION,
                f"Consultation with the hub ({_HOW.get(v['how'], v['how']).lower()}): "
                f"{v['caller_role'] or 'A professional'}, {_AGENCY.get(v['caller_agency'], v['caller_agency'])}. "
                f"Outcome: {_OUTCOME.get(v['outcome'], v['outcome'])}",
                v["occurred_at"],
                f"{self.links['consultations:detail']}{pk}/",
            )
        elif key == "episode":
            link = f"{self.links['casework:episode']}{pk}/"
            add(TimelineKind.EPISODE_OPENED, "Hub episode opened", v["open_date"], link)
            if v["close_date"]:
                add(TimelineKind.EPISODE_CLOSED, "Hub episode closed", v["close_date"], link)
        elif key == "missing":
            add(
                TimelineKind.MISSING_REPORTED,
                f"Reported {_MISSING_TYPE.get(v['missing_type'], '').lower() or 'missing'}",
                v["reported_at"],
            )

    def flag_sources_touched(self) -> list[int]:
        """The children whose records a derived flag of the register reads (docs/register.md)
        this import created or changed."""
        return [
            child
            for child, what in self.touched.items()
            if child is not None
            and any(
                label.startswith(FLAG_SOURCES)
                for kind in ("created", "changed")
                for label in what.get(kind, {})
            )
        ]

    def write_population(self) -> None:
        rows = self.parsed.rows("population")
        current = {(p.dimension, p.group): p for p in ReferencePopulation.objects.all()}
        created = updated = 0
        for row in rows:
            found = current.get((row["dimension"], row["group"]))
            if found is None:
                ReferencePopulation.objects.create(
                    dimension=row["dimension"], group=row["group"], count=row["count"]
                )
                created += 1
            elif found.count != row["count"]:
                found.count = row["count"]
                found.save(update_fields=["count"])
                updated += 1
        self.counts.created["population"], self.counts.updated["population"] = created, updated
        self.counts.unchanged["population"] = len(rows) - created - updated

    def finish(self) -> None:
        # In the order of the index the timeline is read by (child, time): each entry lands
        # next to the one before it, rather than anywhere in the index.
        self.timeline.sort(key=lambda e: (e[0], e[1]))
        insert_rows(TimelineEntry, TIMELINE_COLUMNS, self.timeline)
        head = (self.now, self.actor_id, getattr(self.actor, "agency", ""), Action.IMPORT.value)
        tail = (request_id.get(), "import", "")
        run_ref = (self.run._meta.label_lower, str(self.run.pk))
        about_no_child = self.touched.pop(None, {})
        insert_rows(
            AuditEvent,
            EVENT_COLUMNS,
            (
                (*head, *run_ref, child, *tail, {"import": self.run.pk, **what})
                for child, what in self.touched.items()
            ),
        )
        detail = {
            "import": self.run.pk,
            "source": self.run.source,
            "counts": self.run.counts,
            **about_no_child,
        }
        run_tail = (request_id.get(), channel.get(), "")  # how it was run: page or command
        insert_rows(AuditEvent, EVENT_COLUMNS, [(*head, *run_ref, None, *run_tail, detail)])


def _instances(model: type[models.Model], pks: Iterable[int]) -> Iterator[Any]:
    """The records whose values may have changed, as model instances (to compare exactly and
    to save): a query per thousand of them, none when nothing changed."""
    keys = sorted(pks)
    for start in range(0, len(keys), BATCH):
        yield from model._default_manager.filter(pk__in=keys[start : start + BATCH])


def written_tables(counts: Counts) -> list[str]:
    """The tables an import created or changed records in (for their statistics)."""
    models_: set[type[models.Model]] = set()
    for key in {k for k, n in counts.created.items() if n} | {k for k, n in counts.updated.items() if n}:
        if key in _WRITTEN_WITH:
            models_.update(_WRITTEN_WITH[key])
        elif key == "population":
            models_.add(ReferencePopulation)
        else:
            models_.add(_model(key))
    if counts.created.get("person") or counts.updated.get("person"):
        models_.add(PersonName)
    if models_:
        models_ |= {TimelineEntry, AuditEvent}
    return sorted(m._meta.db_table for m in models_)


# Tables written by intel.py, beside the one its count names.
_WRITTEN_WITH: dict[str, tuple[type[models.Model], ...]] = {
    "intelligence": (Link, Subject),
    "interview_entry": (InterviewEntry, Subject, Link),
}


def _model(key: str) -> type[models.Model]:
    return next(b.model for b in BINDINGS if b.key == key)


# The records the register's derived flags read (register.sync): the council's assessments,
# their factors, CIN episodes and involvements; the hub's episodes and referrals.
FLAG_SOURCES = ("socialcare.", "casework.episode", "referrals.referral")

NAME_COLUMNS = ["person_id", "kind", "forename", "surname", "normalised", "fore", "sur"]
TIMELINE_COLUMNS = [
    "person_id",
    "occurred_at",
    "kind",
    "summary",
    "link",
    "source_type",
    "source_id",
    "recorded_by_id",
    "recorded_at",
    "significant",
    "date_only",
]
EVENT_COLUMNS = [
    "at",
    "actor_id",
    "actor_agency",
    "action",
    "object_type",
    "object_id",
    "child_id",
    "request_id",
    "via",
    "reason",
    "detail",
]


def _name(person_id: int, kind: NameKind, forename: str, surname: str) -> tuple[Any, ...]:
    return (person_id, kind.value, forename, surname, *index_words(forename, surname))


@transaction.atomic
def write(
    parsed: Parsed, run: ImportRun, *, actor: User | None, progress: Callable[[int], None] | None = None
) -> Counts:
    writer = Writer(parsed, run, actor, progress)
    for binding in BINDINGS:
        if binding.key in parsed.tables:
            writer.write_table(binding)
    if "population" in parsed.tables:
        writer.write_population()
    if "supervision_episode" in parsed.tables:
        supervision.write_group_episodes(writer)
    if "interview_entry" in parsed.tables:
        intel.write_entries(writer)
    if "intelligence" in parsed.tables:
        intel.write_links(writer)
    intel.raise_alerts(writer)
    # The register's derived flags of every child whose council or hub records changed.
    sync_people(writer.flag_sources_touched(), actor=actor)
    run.counts = writer.counts.as_dict()
    run.save(update_fields=["counts"])
    writer.finish()
    return writer.counts
