"""Intelligence in the interchange format: the police-intelligence table
(csh_intelligence.csv, one row per link) and return-interview entries
(csh_interview_entry.csv), which the import captures as intelligence as the page does.

Subjects are identified with the pages' normal forms (`intelligence.normalise`): a row's
subject is the confirmed subject with the same key, or a new confirmed one. Links are
written in bulk, audited in the import's events (one per child), put on the children's
timelines as the page path does, and their alerts raised with `alerts.raise_for_links`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.models import Action
from cshub.core.codes import Agency
from cshub.intelligence import alerts, capture, normalise
from cshub.intelligence.actions import rule_grading
from cshub.intelligence.models import Handling, Link, LinkType, PlaceKind, SourceType, Subject, SubjectKind
from cshub.interchange.reader import Parsed, ParsedTable, Row
from cshub.interchange.records import existing
from cshub.missing.models import InterviewEntry, ReturnInterview
from cshub.missing.models import normalise as entry_key
from cshub.people.models import Person, PersonType, TimelineKind

if TYPE_CHECKING:
    from cshub.interchange.write import Writer

GRADING = ("source_evaluation", "assessment", "handling")
_LINK_TYPES = {str(k): str(v) for k, v in LinkType.choices}
_KINDS = {str(k): str(v) for k, v in SubjectKind.choices}


@dataclass(frozen=True)
class SubjectSpec:
    """A subject as a row describes it. An adult of concern is a person (`person_ref`, an
    interchange id): their key, their record's id, is known once the people are written."""

    kind: str
    key: str = ""
    name: str = ""
    person_ref: str = ""
    place_kind: str = ""
    postcode: str = ""
    platform: str = ""
    group_kind: str = ""


def read_subject(row: Row, prefix: str) -> tuple[SubjectSpec | None, list[tuple[str, str]]]:
    """The subject a row names under `prefix` ('subject' or 'from'), or the problems with it
    as (column, message)."""
    kind = row[f"{prefix}_kind"]
    if kind is None:
        return None, []
    value = (row[f"{prefix}_value"] or "").strip()
    column = f"{prefix}_value"
    needs = {
        SubjectKind.VEHICLE: "a vehicle needs its registration",
        SubjectKind.PHONE: "a phone needs its number",
        SubjectKind.ACCOUNT: "an online account needs its handle",
        SubjectKind.PLACE: "a place needs its name or address",
        SubjectKind.GROUP: "a group needs its name (a county line by its line name)",
    }
    if kind == SubjectKind.ADULT:
        ref = row[f"{prefix}_person_id"]
        if not ref:
            return None, [(f"{prefix}_person_id", "an adult of concern needs their person id (an ADULT)")]
        return SubjectSpec(kind, person_ref=ref), []
    if not value:
        return None, [(column, needs[SubjectKind(kind)])]
    try:
        if kind == SubjectKind.VEHICLE:
            plate = normalise.plate(value)
            return SubjectSpec(kind, plate, plate), []
        if kind == SubjectKind.PHONE:
            number = normalise.phone(value)
            return SubjectSpec(kind, number, number), []
        if kind == SubjectKind.ACCOUNT:
            platform = (row[f"{prefix}_platform"] or "").strip()
            if not platform:
                return None, [(f"{prefix}_platform", "an online account needs its platform, like Snapchat")]
            handle = normalise.handle(value)
            if not handle:
                return None, [(column, needs[SubjectKind.ACCOUNT])]
            return SubjectSpec(kind, f"{normalise.text_key(platform)}:{handle}", value, platform=platform), []
        if kind == SubjectKind.PLACE:
            column = f"{prefix}_postcode"
            postcode = normalise.postcode(row[column] or "")
            return SubjectSpec(
                kind,
                f"{postcode}|{normalise.text_key(value)}",
                value,
                place_kind=row[f"{prefix}_place_kind"] or PlaceKind.OTHER,
                postcode=postcode,
            ), []
        group_kind = row[f"{prefix}_group_kind"]
        if not group_kind:
            return None, [(f"{prefix}_group_kind", "a group needs its kind: PEER, OCG or COUNTY_LINE")]
        return SubjectSpec(
            kind, f"{group_kind}:{normalise.text_key(value)}", value, group_kind=group_kind
        ), []
    except normalise.NotRecognisedError as exc:
        message = str(exc)
        return None, [(column, message[0].lower() + message[1:])]


def _person_types(parsed: Parsed, refs: set[str]) -> dict[str, str]:
    """The person type of each person id, from person.csv or from CSHub."""
    types = {
        r["pers_person_id"]: r["csh_person_type"] or PersonType.CHILD
        for r in parsed.rows("person")
        if r["pers_person_id"] in refs
    }
    for ref, person in existing(Person, refs - set(types)).items():
        types[ref] = person.person_type
    return types


def check(parsed: Parsed, actor: User | None) -> None:
    """The rules of csh_intelligence.csv across its columns (cells are read already)."""
    table = parsed.tables.get("intelligence")
    if table is None:
        return
    if actor is not None and table.rows and not actor.has(Perm.RECORD_INTELLIGENCE):
        parsed.error(table, table.rows[0], "intel_id", "you may not record intelligence")
        return
    people = {r[c] for r in table.rows for c in ("person_id", "from_person_id", "subject_person_id") if r[c]}
    types = _person_types(parsed, people)
    for row in table.rows:

        def err(column: str, message: str, row: Row = row) -> None:
            if column not in row.invalid:  # a cell that could not be read is reported once
                parsed.error(table, row, column, message)

        _check_row(row, err, types, actor)


def _check_row(row: Row, err: Any, types: dict[str, str], actor: User | None) -> None:
    if (row["person_id"] is None) == (row["from_kind"] is None) and "from_kind" not in row.invalid:
        err(
            "person_id",
            "a link is from a child (person_id) or from a subject (from_kind): give one of them"
            if row["person_id"] is None
            else "a link is from a child (person_id) or from a subject (from_kind), not both",
        )
    child = row["person_id"]
    if child and types.get(child) == PersonType.ADULT:
        err("person_id", f"person '{child}' is an adult: link an adult of concern as a subject")
    specs = {}
    for prefix in ("from", "subject"):
        spec, problems = read_subject(row, prefix)
        for column, message in problems:
            err(column, message)
        adult = row[f"{prefix}_person_id"]
        if spec is not None and spec.kind == SubjectKind.ADULT and types.get(adult or "") == PersonType.CHILD:
            err(f"{prefix}_person_id", f"person '{adult}' is a child, not an adult of concern")
        specs[prefix] = spec
    if specs["from"] is not None and specs["from"] == specs["subject"]:
        err("subject_kind", "a subject cannot be linked to itself")
    given = [row[c] is not None for c in GRADING]
    if any(given) and not all(given):
        missing = next(c for c, g in zip(GRADING, given, strict=True) if not g)
        err(
            missing,
            "give the whole grading (source_evaluation, assessment, handling), or none to grade by rule",
        )
    if row["agencies"] and row["handling"] != Handling.CONDITIONS:
        err("agencies", "only handling code C has agencies who may see it")
    if any(given) and actor is not None and actor.agency != Agency.POLICE:
        err("source_evaluation", "only a police officer grades intelligence: leave the grading to the rule")
    if row["first_seen"] and row["last_seen"] and row["last_seen"] < row["first_seen"]:
        err("last_seen", "last seen is before first seen")


def person_of_link(link: Link) -> int | None:
    return link.child_id


# Writing -------------------------------------------------------------------------------


def _person_pks(writer: Writer, refs: set[str]) -> dict[str, int]:
    known = writer.refs["person"]
    for ref, person in existing(Person, refs - set(known)).items():
        known[ref] = person.pk
    return known


def _subjects(writer: Writer, specs: set[SubjectSpec], people: dict[str, int]) -> dict[SubjectSpec, int]:
    """The confirmed subject each spec names, created (confirmed) when CSHub has none."""
    keyed = {
        spec: (spec.kind, str(people[spec.person_ref]) if spec.person_ref else spec.key) for spec in specs
    }
    found: dict[tuple[str, str], int] = {}
    by_kind: dict[str, set[str]] = defaultdict(set)
    for kind, key in keyed.values():
        by_kind[kind].add(key)
    for kind, keys in by_kind.items():
        ordered = sorted(keys)
        for start in range(0, len(ordered), 2000):
            for key, pk in (
                Subject.objects.filter(kind=kind, key__in=ordered[start : start + 2000], confirmed=True)
                .order_by("-id")
                .values_list("key", "pk")
            ):
                found[(kind, key)] = pk  # the oldest wins (ordered newest first)
    new: dict[tuple[str, str], Subject] = {}
    adults = {people[s.person_ref]: s.person_ref for s in specs if s.person_ref}
    names = {
        adults[pk]: f"{forename} {surname}"
        for pk, forename, surname in Person.objects.filter(pk__in=list(adults)).values_list(
            "pk", "forename", "surname"
        )
    }
    for spec, ident in keyed.items():
        if ident in found or ident in new:
            continue
        person = people[spec.person_ref] if spec.person_ref else None
        name = names[spec.person_ref] if spec.person_ref else spec.name
        new[ident] = Subject(
            kind=spec.kind,
            name=name[:200],
            key=ident[1],
            person_id=person,
            place_kind=spec.place_kind,
            postcode=spec.postcode,
            platform=spec.platform,
            group_kind=spec.group_kind,
            confirmed=True,
            created_by_id=writer.actor_id,
        )
    Subject.objects.bulk_create(list(new.values()), batch_size=1000)
    for ident, subject in new.items():
        found[ident] = subject.pk
        writer._event(Action.CREATE, Subject._meta.label_lower, subject.pk, None)
    _add(writer, "intel_subject", len(new))
    return {spec: found[ident] for spec, ident in keyed.items()}


def _grading(row: Row) -> dict[str, Any]:
    """The grading a row gives, or {} to leave it to the rule (or, for a link CSHub holds,
    as it is)."""
    if row["handling"] is None:
        return {}
    return {
        "source_evaluation": row["source_evaluation"],
        "assessment": row["assessment"],
        "handling": row["handling"],
        "agencies": (row["agencies"] or [Agency.POLICE.value])
        if row["handling"] == Handling.CONDITIONS
        else [],
        "graded_by_rule": False,
    }


def _by_rule(source_type: str) -> dict[str, Any]:
    grading = rule_grading(source_type)
    return {
        "source_evaluation": grading.source_evaluation,
        "assessment": grading.assessment,
        "handling": grading.handling,
        "agencies": [Agency.POLICE.value] if grading.handling == Handling.CONDITIONS else [],
        "graded_by_rule": True,
    }


def write_links(writer: Writer) -> None:
    """csh_intelligence.csv: create what is new, update what changed (audited), leave the rest."""
    table: ParsedTable = writer.parsed.tables["intelligence"]
    rows = table.rows
    people = _person_pks(
        writer, {r[c] for r in rows for c in ("person_id", "from_person_id", "subject_person_id") if r[c]}
    )
    described = [(read_subject(r, "from")[0], read_subject(r, "subject")[0]) for r in rows]
    subjects = _subjects(writer, {s for pair in described for s in pair if s is not None}, people)
    found: dict[str, Link] = existing(Link, table.ids())
    label = Link._meta.label_lower
    by_rule = _by_rule(SourceType.POLICE)
    now = timezone.now()
    new: list[Link] = []
    changed: list[Link] = []
    changed_fields: set[str] = set()
    for row, (source, target) in zip(rows, described, strict=True):
        assert target is not None  # validated
        ident = row["intel_id"]
        values: dict[str, Any] = {
            "child_id": people[row["person_id"]] if row["person_id"] else None,
            "from_subject_id": subjects[source] if source is not None else None,
            "subject_id": subjects[target],
            "link_type": row["link_type"],
            "first_seen": row["first_seen"],
            "last_seen": row["last_seen"] or row["first_seen"],
            "detail": (row["detail"] or "").strip(),
            **_grading(row),
        }
        link = found.get(ident)
        if link is None:
            graded = values.get("graded_by_rule") is False
            new.append(
                Link(
                    **(by_rule | values),
                    source_type=SourceType.POLICE,
                    source_id=ident,
                    graded_at=now if graded else None,
                    recorded_by_id=writer.actor_id,
                    recorded_at=now,
                )
            )
            continue
        diff = [name for name, value in values.items() if getattr(link, name) != value]
        if not diff:
            continue
        was_about = link.child_id
        for name in diff:
            setattr(link, name, values[name])
        if set(diff) & {*GRADING, "agencies"}:
            link.graded_at, link.graded_by_id = now, None
            diff += ["graded_at", "graded_by"]
        changed.append(link)
        changed_fields.update(diff)
        writer._event(Action.UPDATE, label, link.pk, link.child_id, diff)
        if was_about != link.child_id:  # moved to another child: both trails say so
            writer._event(Action.UPDATE, label, link.pk, was_about, diff)
    if changed:
        Link.objects.bulk_update(changed, sorted(changed_fields), batch_size=1000)
    Link.objects.bulk_create(new, batch_size=1000)
    created(writer, new)
    writer.counts.created["intelligence"] = len(new)
    writer.counts.updated["intelligence"] = len(changed)
    writer.counts.unchanged["intelligence"] = len(rows) - len(new) - len(changed)


def created(writer: Writer, links: list[Link]) -> None:
    """New links, written in bulk: each in its child's import event and timeline (as the page
    path does, naming the kind of subject, not its content), their alerts raised at the end."""
    kinds = dict(Subject.objects.filter(pk__in={lk.subject_id for lk in links}).values_list("pk", "kind"))
    page = reverse("intelligence:subject", args=[0])[:-2]
    label = Link._meta.label_lower
    for link in links:
        writer._event(Action.CREATE, label, link.pk, link.child_id)
        writer.new_links.append(link.pk)
        if link.child_id is None:
            continue
        when = link.last_seen
        summary = (
            f"Intelligence link: {_LINK_TYPES[link.link_type].lower()} {_KINDS[kinds[link.subject_id]].lower()}"
            + (f" ({_long_date(when)})" if when else "")
        )
        writer.timeline.append(
            (
                link.child_id,
                writer._day_start(when) if when else writer.now,
                TimelineKind.INTELLIGENCE.value,
                summary,
                f"{page}{link.subject_id}/",
                label,
                str(link.pk),
                writer.actor_id,
                writer.now,
                False,
                bool(when),  # date_only: a link known by the day it was last seen
            )
        )


def _long_date(day: dt.date) -> str:
    from cshub.core.dates import format_date

    return format_date(day)


def write_entries(writer: Writer) -> None:
    """csh_interview_entry.csv: entries are matched on (interview, kind, value); a new one is
    created, a changed detail updated; an import never removes an entry. New entries are
    captured as intelligence, as the page captures an interview's entries."""
    rows = writer.parsed.tables["interview_entry"].rows
    interviews = writer.refs["return_interview"]
    missing = {r["interview_id"] for r in rows} - set(interviews)
    for ref, interview in existing(ReturnInterview, missing).items():
        interviews[ref] = interview.pk
    pks = sorted({interviews[r["interview_id"]] for r in rows})
    child_of: dict[int, int] = {}
    held: dict[tuple[int, str, str], InterviewEntry] = {}
    for start in range(0, len(pks), 2000):
        chunk = pks[start : start + 2000]
        child_of |= dict(
            ReturnInterview.objects.filter(pk__in=chunk).values_list("pk", "missing_episode__person_id")
        )
        for old in InterviewEntry.objects.filter(interview_id__in=chunk):
            held[(old.interview_id, old.kind, old.value)] = old
    label = InterviewEntry._meta.label_lower
    new: list[InterviewEntry] = []
    changed: list[InterviewEntry] = []
    for row in rows:
        interview = interviews[row["interview_id"]]
        value, detail = row["value"].strip(), (row["detail"] or "").strip()
        entry = held.get((interview, row["kind"], value))
        if entry is None:
            entry = InterviewEntry(
                interview_id=interview,
                person_id=child_of[interview],
                kind=row["kind"],
                value=value,
                key=entry_key(value, row["kind"]),
                detail=detail,
            )
            held[(interview, row["kind"], value)] = entry
            new.append(entry)
        elif entry.detail != detail:
            entry.detail = detail
            changed.append(entry)
            writer._event(Action.UPDATE, label, entry.pk, entry.person_id, ["detail"])
    InterviewEntry.objects.bulk_create(new, batch_size=1000)
    InterviewEntry.objects.bulk_update(changed, ["detail"], batch_size=1000)
    for entry in new:
        writer._event(Action.CREATE, label, entry.pk, entry.person_id)
    writer.counts.created["interview_entry"] = len(new)
    writer.counts.updated["interview_entry"] = len(changed)
    writer.counts.unchanged["interview_entry"] = len(rows) - len(new) - len(changed)
    result = capture.capture_entries([e.pk for e in new], actor=writer.actor)
    for subject in result.subjects:
        writer._event(Action.CREATE, Subject._meta.label_lower, subject.pk, None)
    created(writer, result.links)
    _add(writer, "intel_subject", len(result.subjects))


def _add(writer: Writer, key: str, created: int) -> None:
    """Counts of what the import made without a row of its own (subjects, alerts)."""
    counts = writer.counts
    counts.created[key] = counts.created.get(key, 0) + created
    counts.updated.setdefault(key, 0)
    counts.unchanged.setdefault(key, 0)


def raise_alerts(writer: Writer) -> None:
    if writer.new_links:
        _add(writer, "intel_alert", alerts.raise_for_links(writer.new_links))
