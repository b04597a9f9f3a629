"""Writing a validated import in one transaction: create what is new, update what changed,
leave the rest; an audit event for each record created or changed, naming the import."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.urls import reverse

from cshub.access.models import User
from cshub.assurance.models import ReferencePopulation
from cshub.audit.context import request_id
from cshub.audit.models import Action, AuditEvent
from cshub.casework.models import Assessment, Episode
from cshub.interchange.models import ImportRun
from cshub.interchange.reader import Parsed, Row
from cshub.interchange.records import existing
from cshub.missing.models import MissingEpisode, ReturnInterview
from cshub.people.models import Address, NameKind, Person, PersonName, TimelineEntry, TimelineKind
from cshub.people.search import normalise, phonetic
from cshub.people.timeline import midday
from cshub.referrals.models import Referral

Refs = dict[str, dict[str, int]]
BATCH = 1000


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _split_name(name: str) -> dict[str, str]:
    """CSHub keeps first and last names; a professional's full name splits at its last space."""
    first, _, last = name.strip().rpartition(" ")
    return {"first_name": (first or last)[:150], "last_name": last[:150] if first else ""}


def _ref(refs: Refs, table: str, value: str | None) -> int | None:
    return refs[table][value] if value else None


@dataclass(frozen=True)
class Binding:
    key: str
    model: type[models.Model]
    fields: Callable[[Row, Refs], dict[str, Any]]
    child: Callable[[Any], int | None]


BINDINGS: list[Binding] = [
    Binding(
        "professional",
        User,
        lambda r, _: {
            **_split_name(_text(r["prof_professional_name"])),
            "job_title": _text(r["prof_professional_job_title"])[:100],
            "agency": r["csh_agency"] or "SOCIAL_CARE",
        },
        lambda o: None,
    ),
    Binding(
        "person",
        Person,
        lambda r, _: {
            "forename": r["pers_forename"],
            "surname": r["pers_surname"],
            "date_of_birth": r["pers_dob"],
            "sex": _text(r["pers_sex"]),
            "gender": _text(r["pers_gender"]),
            "ethnicity": _text(r["pers_ethnicity"]),
            "upn": _text(r["pers_upn"]),
            "person_type": r["csh_person_type"] or "CHILD",
        },
        lambda o: o.pk,
    ),
    Binding(
        "address",
        Address,
        lambda r, refs: {
            "person_id": _ref(refs, "person", r["addr_person_id"]),
            "postcode": _text(r["addr_address_postcode"]).upper(),
            "start_date": r["addr_address_start_date"],
            "end_date": r["addr_address_end_date"],
            "imd_decile": r["csh_imd_decile"],
        },
        lambda o: o.person_id,
    ),
    Binding(
        "referral",
        Referral,
        lambda r, refs: {
            "person_id": _ref(refs, "person", r["person_id"]),
            "received_date": r["received_date"],
            "source_code": _text(r["source_code"]),
            "primary_type": r["primary_type"],
            "other_types": r["other_types"] or [],
            "decision": r["decision"],
            "decision_date": r["decision_date"],
            "decision_rationale": _text(r["decision_rationale"]),
        },
        lambda o: o.person_id,
    ),
    Binding(
        "episode",
        Episode,
        lambda r, refs: {
            "person_id": _ref(refs, "person", r["person_id"]),
            "referral_id": _ref(refs, "referral", r["referral_id"]),
            "open_date": r["open_date"],
            "close_date": r["close_date"],
            "allocated_worker_id": _ref(refs, "professional", r["allocated_worker_id"]),
            "outcome_eet": _text(r["outcome_eet"]),
            "outcome_stable_accommodation": _text(r["outcome_stable_accommodation"]),
            "outcome_positive_relationship": _text(r["outcome_positive_relationship"]),
            "feedback_child": r["feedback_child"],
            "feedback_parent_carer": r["feedback_parent_carer"],
        },
        lambda o: o.person_id,
    ),
    Binding(
        "assessment",
        Assessment,
        lambda r, refs: {
            "episode_id": _ref(refs, "episode", r["episode_id"]),
            "completed_date": r["completed_date"],
            "risk_level": r["risk_level"],
            "assessor_id": _ref(refs, "professional", r["assessor_id"]),
            "reviewer_id": _ref(refs, "professional", r["reviewer_id"]),
            "reviewer_risk_level": _text(r["reviewer_risk_level"]),
            "cin_factors": r["cin_factors"] or [],
        },
        lambda o: None,
    ),
    Binding(
        "missing",
        MissingEpisode,
        lambda r, refs: {
            "person_id": _ref(refs, "person", r["miss_person_id"]),
            "reported_at": r["miss_missing_episode_start_date"],
            "returned_at": r["miss_missing_episode_end_date"],
            "missing_type": _text(r["miss_missing_episode_type"]),
            "rhi_offered": _text(r["miss_missing_rhi_offered"]),
            "rhi_accepted": _text(r["miss_missing_rhi_accepted"]),
            "police_risk": _text(r["csh_police_risk"]),
            "from_care": r["csh_from_care"],
        },
        lambda o: o.person_id,
    ),
    Binding(
        "return_interview",
        ReturnInterview,
        lambda r, refs: {
            "missing_episode_id": _ref(refs, "missing", r["missing_id"]),
            "outcome": r["outcome"],
            "offered_at": r["offered_at"],
            "completed_at": r["completed_at"],
            "interviewer_id": _ref(refs, "professional", r["interviewer_id"]),
            "delay_reason": _text(r["delay_reason"]),
            "exploitation_concern": r["exploitation_concern"],
        },
        lambda o: None,
    ),
]


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
        self.counts = Counts()
        self.events: list[AuditEvent] = []
        self.timeline: list[TimelineEntry] = []

    def _resolve(self, binding: Binding) -> None:
        """Database ids for references to records that are not in this import."""
        table = self.parsed.tables[binding.key]
        for column in table.table.columns:
            if column.kind == "ref":
                missing = {r[column.name] for r in table.rows if r[column.name]} - set(self.refs[column.ref])
                self.refs[column.ref].update(
                    {i: o.pk for i, o in existing(_model(column.ref), missing).items()}
                )

    def _event(self, action: Action, obj: Any, child: int | None, fields: list[str] | None = None) -> None:
        detail: dict[str, Any] = {"import": self.run.pk}
        if fields:
            detail["fields"] = fields
        self.events.append(
            AuditEvent(
                actor=self.actor,
                actor_agency=getattr(self.actor, "agency", ""),
                action=action,
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                child_id=child,
                request_id=request_id.get(),
                via="import",
                detail=detail,
            )
        )

    def write_table(self, binding: Binding) -> None:
        table = self.parsed.tables[binding.key]
        self._resolve(binding)
        found = existing(binding.model, table.ids())
        new: list[tuple[str, Any]] = []
        changed: list[Any] = []
        changed_fields: set[str] = set()
        for n, row in enumerate(table.rows):
            ident = row[table.table.id_column]
            values = binding.fields(row, self.refs)
            obj = found.get(ident)
            if obj is None:
                new.append((ident, self._new(binding, ident, values)))
            else:
                diff = [name for name, value in values.items() if getattr(obj, name) != value]
                if diff:
                    for name in diff:
                        setattr(obj, name, values[name])
                    changed.append(obj)
                    changed_fields.update(diff)
                    self._event(Action.UPDATE, obj, binding.child(obj), diff)
                self.refs[binding.key][ident] = obj.pk
            if self.progress and n % 500 == 0:
                self.progress(500)
        if changed:
            binding.model._default_manager.bulk_update(changed, sorted(changed_fields), batch_size=BATCH)
        created = binding.model._default_manager.bulk_create([o for _, o in new], batch_size=BATCH)
        for (ident, _), obj in zip(new, created, strict=True):
            self.refs[binding.key][ident] = obj.pk
            self._event(Action.CREATE, obj, binding.child(obj))
            self._timeline(binding.key, obj)
        if binding.key == "person":
            self._names(table.rows, found)
        self.counts.created[binding.key] = len(created)
        self.counts.updated[binding.key] = len(changed)
        self.counts.unchanged[binding.key] = len(table.rows) - len(created) - len(changed)

    def _new(self, binding: Binding, ident: str, values: dict[str, Any]) -> Any:
        if binding.model is User:
            username = "prof-" + re.sub(r"[^\w.@+-]", "-", ident)[:140]
            user = User(username=username, is_active=False, source_id=ident, **values)
            user.set_unusable_password()
            return user
        return binding.model(source_id=ident, **values)

    def _names(self, rows: list[Row], before: dict[str, Person]) -> None:
        """Rebuild the search index of names for people created or renamed by this import."""
        person_ids = []
        names: list[PersonName] = []
        for row in rows:
            pk = self.refs["person"][row["pers_person_id"]]
            old = before.get(row["pers_person_id"])
            aliases = [a.strip() for a in (row["csh_aliases"] or "").split(";") if a.strip()]
            if old is not None:
                current = sorted(str(n) for n in old.names.all() if n.kind == NameKind.ALIAS)
                if (old.forename, old.surname) == (
                    row["pers_forename"],
                    row["pers_surname"],
                ) and current == sorted(aliases):
                    continue
            person_ids.append(pk)
            names.append(_name(pk, NameKind.PRIMARY, row["pers_forename"], row["pers_surname"]))
            for alias in aliases:
                forename, _, surname = alias.rpartition(" ") if " " in alias else (alias, "", "")
                names.append(_name(pk, NameKind.ALIAS, forename, surname))
        PersonName.objects.filter(person_id__in=person_ids).delete()
        PersonName.objects.bulk_create(names, batch_size=BATCH)

    def _timeline(self, key: str, obj: Any) -> None:
        def add(person_id: int, kind: TimelineKind, summary: str, when: Any, link: str = "") -> None:
            self.timeline.append(
                TimelineEntry(
                    person_id=person_id,
                    kind=kind,
                    summary=summary,
                    occurred_at=midday(when),
                    link=link,
                    source_type=obj._meta.label_lower,
                    source_id=str(obj.pk),
                    recorded_by=self.actor,
                )
            )

        if key == "referral":
            link = reverse("referrals:detail", args=[obj.pk])
            add(
                obj.person_id,
                TimelineKind.REFERRAL,
                f"Referral received: {obj.get_primary_type_display()}",
                obj.received_date,
                link,
            )
            if obj.decision != "PENDING" and obj.decision_date:
                add(
                    obj.person_id,
                    TimelineKind.DECISION,
                    f"Threshold decision: {obj.get_decision_display()}. {obj.decision_rationale}",
                    obj.decision_date,
                    link,
                )
        elif key == "episode":
            link = reverse("casework:episode", args=[obj.pk])
            add(obj.person_id, TimelineKind.EPISODE_OPENED, "Hub episode opened", obj.open_date, link)
            if obj.close_date:
                add(obj.person_id, TimelineKind.EPISODE_CLOSED, "Hub episode closed", obj.close_date, link)
        elif key == "missing":
            add(
                obj.person_id,
                TimelineKind.MISSING_REPORTED,
                f"Reported {obj.get_missing_type_display().lower() or 'missing'}",
                obj.reported_at,
            )

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
        TimelineEntry.objects.bulk_create(self.timeline, batch_size=BATCH)
        AuditEvent.objects.bulk_create(self.events, batch_size=BATCH)


def _model(key: str) -> type[models.Model]:
    return next(b.model for b in BINDINGS if b.key == key)


def _name(person_id: int, kind: NameKind, forename: str, surname: str) -> PersonName:
    return PersonName(
        person_id=person_id,
        kind=kind,
        forename=forename,
        surname=surname,
        normalised=normalise(f"{forename} {surname}"),
        forename_key=phonetic(forename),
        surname_key=phonetic(surname),
    )


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
    writer.finish()
    return writer.counts
