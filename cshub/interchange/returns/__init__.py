"""The DfE returns a council already produces, read as rows of the SSD tables: the SSDA903
(children looked after: `header`, `episodes`, `missing`) and the CIN census XML. Each file is
recognised by its content (`recognise.dfe_return`), whatever it is called.

A return is converted into the cells of the SSD table each part corresponds to (in the
SSD's column names), and those cells are read by exactly the rules of that table's file
(reader._parse_table: codes, dates, NULL, lengths), then checked and written with the rest
of the import, all or nothing. Every problem names the return's own file, line and column
(or XML element). docs/interchange.md, "The DfE returns", says what is read and how."""

import csv
import dataclasses
import datetime as dt
import io
import re
from collections import defaultdict

from cshub.interchange import reader
from cshub.interchange.reader import Parsed, Problem
from cshub.interchange.recognise import CIN_CENSUS, dfe_return
from cshub.interchange.returns.cin_census import _cin
from cshub.interchange.returns.common import NAMES, RECORDS, Source
from cshub.interchange.returns.ssda903 import _ssda903
from cshub.interchange.spec import BY_KEY, Column, Table

# Reading the rows ---------------------------------------------------------------------------

# A person column a return leaves empty keeps what CSHub already holds about that child
# (a return names nobody, and the 903 and the census carry no gender).
_KEPT = {
    "pers_forename": "forename",
    "pers_surname": "surname",
    "pers_dob": "date_of_birth",
    "pers_sex": "sex",
    "pers_gender": "gender",
    "pers_ethnicity": "ethnicity",
    "pers_upn": "upn",
    "csh_person_type": "person_type",
}


def _keep_what_cshub_holds(source: Source) -> None:
    from cshub.interchange.records import existing
    from cshub.people.models import NameKind, Person, PersonName

    known = existing(Person, {r.cells.get("pers_person_id", "") for r in source.records} - {""})
    if not known:
        return
    aliases: dict[int, list[str]] = defaultdict(list)
    for person_id, forename, surname in PersonName.objects.filter(
        person__in=list(known.values()), kind=NameKind.ALIAS
    ).values_list("person_id", "forename", "surname"):
        aliases[person_id].append(f"{forename} {surname}".strip())
    for record in source.records:
        person = known.get(record.cells.get("pers_person_id", ""))
        if person is None:
            continue
        for column, attribute in _KEPT.items():
            if record.cells.get(column):
                continue
            if column == "pers_dob" and (person.dob_estimated or record.cells.get("pers_expected_dob")):
                continue  # an estimated date comes from the return's expected date, if any
            value = getattr(person, attribute)
            record.cells[column] = value.isoformat() if isinstance(value, dt.date) else str(value or "")
        record.cells["csh_aliases"] = "; ".join(aliases[person.pk])


def _table(key: str) -> Table:
    """The SSD table a return's rows are read as; a person needs no name."""
    table = BY_KEY[key]
    if key != "person":
        return table
    return dataclasses.replace(
        table,
        columns=tuple(
            dataclasses.replace(c, required=False) if c.name in NAMES else c for c in table.columns
        ),
    )


_LINES = re.compile(r"\b(lines?) (\d+(?:, \d+)*)")  # line numbers a message names


def _parse(parsed: Parsed, source: Source) -> None:
    """Read a source's cells by the rules of its SSD table's file, into `parsed`, with every
    problem and row pointing back at the return's file, line and column."""
    table = _table(source.key)
    known: list[Column] = [c for c in table.columns if any(c.name in r.cells for r in source.records)]
    names = [c.name for c in known]
    dropped = sorted(
        {source.labels.get(c, c) for r in source.records for c, v in r.cells.items() if v}
        - {source.labels.get(n, n) for n in names}
    )
    if dropped and source.key == "person":
        parsed.warnings.append(Problem(source.filename, 1, "-", f"not read: {', '.join(dropped)}"))
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(names)
    for record in source.records:
        writer.writerow([re.sub(r"[\r\n]", " ", record.cells.get(n, "")) for n in names])
    scratch = Parsed()
    virtual = table.ssd_filename or table.filename or f"ssd_{table.key}.csv"
    reader._parse_table(scratch, table, virtual, text.getvalue().encode("utf-8"))

    def where(line: int, column: str) -> tuple[int, str]:
        label = source.labels.get(column, column)
        if line < 2 or line - 2 >= len(source.records):
            return 1, label
        record = source.records[line - 2]
        return record.lines.get(column, record.line), label

    def lines_in(message: str, column: str) -> str:
        """The line numbers a message names ("duplicate of the row on line 3"), as the return's."""

        def one(m: re.Match[str]) -> str:
            numbers = (str(where(int(n), column)[0]) for n in m.group(2).split(", "))
            return f"{m.group(1)} {', '.join(numbers)}"

        return _LINES.sub(one, message)

    def remap(problems: list[Problem]) -> list[Problem]:
        out = []
        for p in problems:
            line, label = where(p.line, p.column)
            if (line, label) in source.reported:
                continue  # already reported, in the return's own words
            out.append(Problem(source.filename, line, label, lines_in(p.message, p.column)))
        return out

    parsed.errors.extend(remap(scratch.errors))
    parsed.warnings.extend(remap(scratch.warnings))
    parsed.broken |= scratch.broken
    for f in dataclasses.fields(scratch):  # anything else a reading collects (codes to map, …)
        if f.name not in ("tables", "errors", "warnings", "broken"):
            mine = getattr(scratch, f.name)
            if isinstance(mine, list):
                getattr(parsed, f.name).extend(mine)
    read = scratch.tables.get(table.key)
    if read is None:
        return
    for row, record in zip(read.rows, source.records, strict=False):
        row.line = record.line
    read.filename = source.filename
    read.labels = dict(source.labels)
    if table.key in parsed.tables:
        parsed.errors.append(
            Problem(
                source.filename,
                1,
                "-",
                f"{parsed.tables[table.key].filename} holds the same table: give only one",
            )
        )
        return
    parsed.tables[table.key] = read


def read(files: list[tuple[str, bytes]]) -> Parsed:
    """Every return among these files, read as rows of the SSD tables (before any check
    across files). Files that are not a DfE return are left alone."""
    parsed = Parsed()
    ssda903: dict[str, tuple[str, bytes]] = {}
    sources: list[Source] = []
    for name, data in files:
        kind = dfe_return(name, data)
        if kind == CIN_CENSUS:
            sources += _cin(parsed, name, data)
        elif kind is not None:
            if kind in ssda903:
                parsed.errors.append(
                    Problem(name, 1, "-", f"{ssda903[kind][0]} is the same SSDA903 table: give only one")
                )
                continue
            ssda903[kind] = (name, data)
    if ssda903:
        sources = _ssda903(parsed, ssda903) + sources
    for source in sources:
        if source.key == "person":
            _keep_what_cshub_holds(source)
        if source.records:
            _parse(parsed, source)
    return parsed


def read_into(parsed: Parsed, files: list[tuple[str, bytes]]) -> None:
    """The returns among an import's files, added to what the import read. A table CSHub
    cannot store yet is reported, never dropped silently."""
    from cshub.interchange.validate import MODELS

    converted = read(files)
    parsed.errors.extend(converted.errors)
    parsed.warnings.extend(converted.warnings)
    parsed.broken |= converted.broken
    for key, table in converted.tables.items():
        if key not in MODELS:
            parsed.warnings.append(
                Problem(
                    table.filename,
                    1,
                    "-",
                    f"{len(table.rows)} {RECORDS.get(key, (key, key))[len(table.rows) != 1]} read but not stored: "
                    "this version of CSHub does not hold them",
                )
            )
        elif key in parsed.tables or key in parsed.broken:
            held = parsed.tables[key].filename if key in parsed.tables else "another file"
            parsed.errors.append(
                Problem(table.filename, 1, "-", f"{held} holds the same table: import the return on its own")
            )
        else:
            parsed.tables[key] = table
