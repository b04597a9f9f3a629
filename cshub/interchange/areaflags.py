"""The flag file `csh_area_flag.csv` (docs/interchange.md "The flag file"): flags about
children at risk of exploitation from early help, youth justice, schools, police and health,
for the whole-area register.

Read with the importer's reader (`reader._parse_table`: the header, required columns and
cells, dates, formula guards, NUL characters), then checked whole: an unknown child id, an
unknown concern or factor code, a date in the future, a missing required column... each is
a `file:line: column: message`, and one problem rejects the whole file (nothing written).
A clean file is written in one transaction through the register's actions: a row giving a
child id is recorded on that child; a row naming a child is matched through the person index
as a police report is (`register.actions.receive_flag_about`). Idempotent on (source,
flag_id): the same file again changes nothing."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.core import locks
from cshub.core.codes import Sex
from cshub.core.dates import format_date, plausible_birth, plausible_event
from cshub.core.limits import LONG_TEXT_MAX, NAME_MAX
from cshub.core.text import hidden_problem
from cshub.interchange.models import ImportRun
from cshub.interchange.reader import Parsed, ParsedTable, Problem, Row, _parse_table
from cshub.interchange.spec import Column, Table
from cshub.people.actions import require
from cshub.people.models import Person, PersonType, visible_q
from cshub.register.actions import FlagDetails, FlaggedChild, Received, receive_flag, receive_flag_about
from cshub.register.models import CIN_FACTOR_CONCERNS, DERIVED_SOURCES, Concern, Holder, Source

FILENAME = "csh_area_flag.csv"
TABLE = Table(
    "area_flag",
    FILENAME,
    "",
    "",
    (
        Column("flag_id", "id", True),
        Column("source", "text", True),
        Column("person_id", "text"),
        Column("forename", "text"),
        Column("surname", "text"),
        Column("date_of_birth", "date"),
        Column("sex", "text"),
        Column("postcode", "text"),
        Column("concern", "text", True),
        Column("flagged_on", "date", True),
        Column("ended_on", "date"),
        Column("holder", "text"),
        Column("holder_team", "text"),
        Column("holder_contact", "text"),
        Column("note", "text"),
    ),
)
SOURCES = tuple(s for s in Source.values if s not in DERIVED_SOURCES)
# Who holds the case when the row does not say: the source itself.
HOLDER_OF: dict[str, str] = {
    Source.EARLY_HELP.value: Holder.EARLY_HELP.value,
    Source.YOUTH_JUSTICE.value: Holder.YOUTH_JUSTICE.value,
    Source.SCHOOL.value: Holder.SCHOOL.value,
    Source.POLICE.value: Holder.POLICE.value,
}
LIMITS = {
    "flag_id": 80,
    "forename": NAME_MAX,
    "surname": NAME_MAX,
    "postcode": 10,
    "holder_team": 200,
    "holder_contact": 200,
    "note": LONG_TEXT_MAX,
}


@dataclass
class Flag:
    """A checked row: the child (a record, or as named) and one flag per concern."""

    line: int
    person: Person | None
    child: FlaggedChild | None
    flags: list[FlagDetails]


@dataclass
class FlagImportResult:
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    rows: int = 0
    imported: int = 0  # flags new to CSHub
    updated: int = 0  # flags sent before, with values changed
    unchanged: int = 0  # flags sent before, as they were
    by_id: int = 0  # rows giving the child's id
    matched: int = 0  # rows naming a child CSHub matched for certain
    created: int = 0  # rows naming a child new to CSHub (a record was created)
    held: int = 0  # rows held for a worker to match (Flags to match)
    run: ImportRun | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        return {
            name: getattr(self, name)
            for name in ("rows", "imported", "updated", "unchanged", "by_id", "matched", "created", "held")
        }


def _code(raw: str) -> str:
    return raw.strip().upper().replace(" ", "_").replace("-", "_")


def concerns_of(raw: str) -> tuple[list[str], list[str]]:
    """The concerns a cell gives (Concern values, or the CIN factor codes, `;` between
    several), and the parts it could not place."""
    found, unknown = [], []
    for part in (p.strip() for p in raw.split(";")):
        if not part:
            continue
        code = _code(part)
        if code in Concern.values:
            found.append(code)
        elif code in CIN_FACTOR_CONCERNS:
            found.append(CIN_FACTOR_CONCERNS[code].value)
        else:
            unknown.append(part)
    return list(dict.fromkeys(found)), unknown


def _people(ids: set[str], actor: User) -> dict[str, Person]:
    """The records the file names by id: the council's (SSD) person id first, then a CSHub id.
    A record merged into another stands for the record it was merged into; a record the
    importer may not see is not found (the same answer as an id nobody has, so a file
    cannot learn which restricted records exist)."""
    found = {p.source_id: p.pk for p in Person.objects.filter(source_id__in=ids) if p.source_id}
    numbers = {int(i) for i in ids - set(found) if i.isdigit() and len(i) < 19}
    by_pk = {str(pk): pk for pk in Person.objects.filter(pk__in=numbers).values_list("pk", flat=True)}
    named = {**by_pk, **found}
    forwards = Person.forwarding()
    named = {ident: forwards.get(pk, pk) for ident, pk in named.items()}
    visible = Person.objects.filter(visible_q(actor, prefix=""), pk__in=set(named.values()))
    records = {p.pk: p for p in visible}
    return {ident: records[pk] for ident, pk in named.items() if pk in records}


def check_rows(parsed: Parsed, table: ParsedTable, actor: User) -> list[Flag]:
    """Every rule of the flag file, each broken one an error on its line."""
    people = _people({r["person_id"] for r in table.rows if r["person_id"]}, actor)
    today = timezone.localdate()
    seen: dict[tuple[str, str], int] = {}
    checked: list[Flag] = []
    for row in table.rows:
        errors_before = len(parsed.errors)

        def error(column: str, message: str, row: Row = row) -> None:
            parsed.error(table, row, column, message)

        for name, limit in LIMITS.items():
            if row[name] and len(row[name]) > limit:
                error(name, f"longer than {limit:,} characters")
        source = _code(row["source"] or "")
        if row["source"] and source not in SOURCES:
            if source in DERIVED_SOURCES:
                error(
                    "source",
                    f"'{row['source']}' flags come from their own records (the council's extract, the hub's "
                    "episodes), not from a flag file",
                )
            else:
                error("source", f"unknown source '{row['source']}' (expected one of {', '.join(SOURCES)})")
        concerns, unknown = concerns_of(row["concern"] or "")
        for part in unknown:
            error(
                "concern",
                f"unknown concern or factor code '{part}' (expected one of "
                f"{', '.join(Concern.values)}, or a CIN factor {', '.join(CIN_FACTOR_CONCERNS)})",
            )
        if row["concern"] and not concerns and not unknown:
            error("concern", "a value is required")
        holder = _code(row["holder"] or "") or HOLDER_OF.get(source, Holder.OTHER.value)
        if holder not in Holder.values or holder == Holder.HUB:
            error("holder", f"unknown holder '{row['holder']}' (expected one of {', '.join(_holders())})")
        for name in ("flagged_on", "ended_on"):
            day = row[name]
            if isinstance(day, dt.date) and day > today:
                error(name, f"{format_date(day)} is in the future")
            elif isinstance(day, dt.date) and (problem := plausible_event(day, "date")):
                error(name, problem.replace("The date", "the date"))
        flagged_on, ended_on = row["flagged_on"], row["ended_on"]
        if isinstance(flagged_on, dt.date) and isinstance(ended_on, dt.date) and ended_on < flagged_on:
            error("ended_on", "before flagged_on")
        person = None
        child = None
        if row["person_id"]:
            person = people.get(row["person_id"])
            if person is None:
                error("person_id", f"unknown child id '{row['person_id']}': no child in CSHub has it")
            elif person.person_type != PersonType.CHILD:
                error("person_id", f"'{row['person_id']}' is an adult's record: the register is of children")
        elif "person_id" not in row.invalid:
            if not (row["forename"] and row["surname"]):
                error("person_id", "give the child's person_id, or their forename and surname")
            for name in ("forename", "surname"):
                if problem := hidden_problem(row[name], f"The {name}"):
                    error(name, problem)
            if problem := plausible_birth(row["date_of_birth"], "date of birth"):
                error("date_of_birth", problem)
            sex = (row["sex"] or "").strip().upper()[:1]
            if row["sex"] and sex not in Sex.values:
                error("sex", f"unknown sex '{row['sex']}' (expected one of {', '.join(Sex.values)})")
            child = FlaggedChild(
                row["forename"] or "", row["surname"] or "", row["date_of_birth"], sex, row["postcode"] or ""
            )
        if row["flag_id"] and source:
            key = (source, row["flag_id"])
            if key in seen:
                error("flag_id", f"duplicate of the row on line {seen[key]} (the same source and flag_id)")
            seen.setdefault(key, row.line)
        if len(parsed.errors) > errors_before or row.invalid:
            continue
        flags = [
            FlagDetails(
                source=source,
                concern=concern,
                flagged_on=flagged_on,
                holder=holder,
                holder_team=row["holder_team"] or "",
                holder_contact=row["holder_contact"] or "",
                note=row["note"] or "",
                ended_on=ended_on,
                origin=f"import:{source}:{row['flag_id']}:{concern}",
            )
            for concern in concerns
        ]
        checked.append(Flag(row.line, person, child, flags))
    return checked


def _holders() -> list[str]:
    return [h for h in Holder.values if h != Holder.HUB]


def read(path: Path, actor: User, name: str | None = None) -> tuple[Parsed, list[Flag]]:
    """The file read and checked (`name`: what to call it in the problems)."""
    parsed = Parsed()
    filename = name or path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        parsed.errors.append(Problem(filename, 1, "-", f"could not be read ({exc.strerror})"))
        return parsed, []
    _parse_table(parsed, TABLE, filename, data, council=False)
    table = parsed.tables.get(TABLE.key)
    flags = check_rows(parsed, table, actor) if table is not None else []
    return parsed, flags


def import_flags(
    path: Path,
    *,
    actor: User,
    name: str | None = None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> FlagImportResult:
    """Check the file whole; with no problem (and not `dry_run`), write it in one transaction."""
    require(actor, Perm.IMPORT_DATA)
    parsed, flags = read(path, actor, name)
    result = FlagImportResult(
        sorted(parsed.errors),
        parsed.warnings,
        rows=len(parsed.tables[TABLE.key].rows) if parsed.tables else 0,
    )
    if result.errors or dry_run:
        return result
    try:
        with transaction.atomic():
            locks.hold(locks.IMPORT)  # one import writes at a time
            for n, row in enumerate(flags, 1):
                _write_row(row, result, actor=actor, filename=name or path.name)
                if progress and n % 100 == 0:
                    progress(100)
            result.run = ImportRun.objects.create(
                source=name or path.name,
                actor=actor,
                warnings=[str(w) for w in result.warnings],
                counts={
                    "created": {"area_flag": result.imported},
                    "updated": {"area_flag": result.updated},
                    "unchanged": {"area_flag": result.unchanged},
                },
            )
            record_event(actor, Action.IMPORT, result.run, detail={"area_flags": result.counts()})
    except _Rejected:
        result.run = None
        for counter in ("imported", "updated", "unchanged", "by_id", "matched", "created", "held"):
            setattr(result, counter, 0)
    if progress:
        progress(len(flags) % 100)
    return result


class _Rejected(Exception):  # noqa: N818 - a signal to roll back, never shown
    """A row an action refused while writing: the whole file is rolled back."""


def _write_row(row: Flag, result: FlagImportResult, *, actor: User, filename: str) -> None:
    def tally(received: Received) -> None:
        if received.flag is not None:
            if received.new:
                result.imported += 1
            elif received.changed:
                result.updated += 1
            else:
                result.unchanged += 1

    try:
        if row.person is not None:
            result.by_id += 1
            for details in row.flags:
                tally(receive_flag(row.person, details, actor=actor))
            return
        assert row.child is not None
        first = receive_flag_about(row.child, row.flags[0], actor=actor)
        tally(first)
        if first.flag is not None:
            result.matched += first.matched
            result.created += first.created
            for details in row.flags[1:]:
                tally(receive_flag(first.flag.person, details, actor=actor))
        else:
            result.held += 1
            for details in row.flags[1:]:
                receive_flag_about(row.child, details, actor=actor)
    except ValidationError as exc:
        messages = "; ".join(exc.messages)
        result.errors.append(Problem(filename, row.line, "-", messages))
        raise _Rejected from exc
