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
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler
from xml.sax.xmlreader import Locator

from defusedxml import DefusedXmlException
from defusedxml.sax import parseString

from cshub.core.dates import LONDON, format_date
from cshub.interchange import reader, values
from cshub.interchange.reader import Parsed, Problem
from cshub.interchange.recognise import CIN_CENSUS, dfe_return
from cshub.interchange.spec import BY_KEY, Column, Table

# What a table's records are called when a return's rows of it cannot be stored.
RECORDS = {
    "cla_episode": ("looked-after episode", "looked-after episodes"),
    "cin_episode": ("CIN episode", "CIN episodes"),
    "cin_assessment": ("CIN assessment", "CIN assessments"),
    "assessment_factor": ("set of assessment factors", "sets of assessment factors"),
    "cp_plan": ("child protection plan", "child protection plans"),
}
# A return names nobody: its children's names are never required.
NAMES = ("pers_forename", "pers_surname")


@dataclass
class Record:
    """One row of an SSD table, as raw cells, and where it came from."""

    line: int
    cells: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)  # a cell's own line (an XML element)


@dataclass
class Source:
    """The rows of one SSD table that one file of a return gives."""

    key: str
    filename: str
    labels: dict[str, str]  # SSD column -> the return's name for it
    records: list[Record] = field(default_factory=list)
    reported: set[tuple[int, str]] = field(default_factory=set)  # (line, label) already in error


def _clean(raw: str | None) -> str:
    """A cell as a council's system wrote it: trimmed; SQL Server's NULL text is empty."""
    text = (raw or "").strip()
    return "" if text == "NULL" else text


def _day(text: str) -> dt.date | None:
    try:
        return values.parse_date(text) if text else None
    except values.CellError:
        return None


def _iso(text: str) -> str:
    """A date as the ids carry it (YYYY-MM-DD), or the text as written if it is not one."""
    day = _day(text)
    return day.isoformat() if day else text


def _midday(day: dt.date) -> str:
    """12:00 UK time on a day, with its offset: never in a clock-change hour."""
    return dt.datetime.combine(day, dt.time(12), tzinfo=LONDON).isoformat()


class _Ids:
    """Stable ids derived from what identifies a record; a second record with the same id in
    one return gets `:2`, a third `:3` (in file order), so a re-import derives them again."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = defaultdict(int)

    def __call__(self, base: str) -> str:
        self.seen[base] += 1
        n = self.seen[base]
        return base if n == 1 else f"{base}:{n}"


# SSDA903 ------------------------------------------------------------------------------------

_903_LABELS = {
    "ssda903_header": {
        "pers_person_id": "CHILD",
        "pers_sex": "SEX",
        "pers_dob": "DOB",
        "pers_ethnicity": "ETHNIC",
        "pers_upn": "UPN",
        "pers_upn_unknown": "UPN",
    },
    "ssda903_episodes": {
        "clae_cla_episode_id": "CHILD",
        "clae_person_id": "CHILD",
        "clae_cla_episode_start_date": "DECOM",
        "clae_cla_episode_start_reason": "RNE",
        "clae_cla_primary_need_code": "CIN",
        "clae_cla_episode_ceased_date": "DEC",
        "clae_cla_episode_ceased_reason": "REC",
    },
    "ssda903_missing": {
        "miss_table_id": "CHILD",
        "miss_person_id": "CHILD",
        "miss_missing_episode_start_date": "MIS_START",
        "miss_missing_episode_end_date": "MIS_END",
        "miss_missing_episode_type": "MISSING",
        "csh_from_care": "MISSING",
    },
}
_903_KEYS = {"ssda903_header": "person", "ssda903_episodes": "cla_episode", "ssda903_missing": "missing"}
# SEX before 2024-25 (csc-validator-be-903 lac2022_23/rule_101.py).
_903_SEX = {"1": "M", "2": "F"}
_UN_CODES = re.compile(r"^UN[1-5]$")


def _csv_rows(parsed: Parsed, name: str, data: bytes) -> list[tuple[int, dict[str, str]]]:
    """(line, cells by upper-case column name) of a return's CSV file."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        parsed.errors.append(Problem(name, 1, "-", f"not UTF-8 text ({exc.reason} at byte {exc.start})"))
        return []
    rows = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip().upper() for h in next(rows, [])]
    found = []
    for cells in rows:
        if not any(c.strip() for c in cells):
            continue
        found.append((rows.line_num, {h: _clean(c) for h, c in zip(header, cells, strict=False)}))
    return found


def _ssda903(parsed: Parsed, files: dict[str, tuple[str, bytes]]) -> list[Source]:
    sources: dict[str, Source] = {}
    read: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for kind, (name, data) in files.items():
        sources[kind] = Source(_903_KEYS[kind], name, _903_LABELS[kind])
        read[kind] = _csv_rows(parsed, name, data)
    if "ssda903_header" in read:
        for line, row in read["ssda903_header"]:
            upn = row.get("UPN", "").upper()
            sources["ssda903_header"].records.append(
                Record(
                    line,
                    {
                        "pers_person_id": row.get("CHILD", ""),
                        "pers_sex": _903_SEX.get(row.get("SEX", ""), row.get("SEX", "").upper()),
                        "pers_dob": row.get("DOB", ""),
                        "pers_ethnicity": row.get("ETHNIC", "").upper(),
                        # UN1 … UN5 say why a child has no UPN: they are not one.
                        "pers_upn": "" if _UN_CODES.match(upn) else upn,
                        "pers_upn_unknown": upn if _UN_CODES.match(upn) else "",
                    },
                )
            )
    in_care: dict[str, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    if "ssda903_episodes" in read:
        ids = _Ids()
        for line, row in read["ssda903_episodes"]:
            child, start = row.get("CHILD", ""), row.get("DECOM", "")
            sources["ssda903_episodes"].records.append(
                Record(
                    line,
                    {
                        "clae_cla_episode_id": ids(f"903:{child}:{_iso(start)}"),
                        "clae_person_id": child,
                        "clae_cla_episode_start_date": _iso(start),
                        "clae_cla_episode_start_reason": row.get("RNE", "").upper(),
                        "clae_cla_primary_need_code": row.get("CIN", "").upper(),
                        "clae_cla_episode_ceased_date": _iso(row.get("DEC", "")),
                        "clae_cla_episode_ceased_reason": row.get("REC", "").upper(),
                    },
                )
            )
            if (begun := _day(start)) is not None:
                in_care[child].append((begun, _day(row.get("DEC", ""))))
    if "ssda903_missing" in read:
        _903_missing(parsed, sources, read, in_care)
    return list(sources.values())


def _903_missing(
    parsed: Parsed,
    sources: dict[str, Source],
    read: dict[str, list[tuple[int, dict[str, str]]]],
    in_care: dict[str, list[tuple[dt.date, dt.date | None]]],
) -> None:
    """A 903 missing episode has dates only: it is placed at 12:00 UK time on MIS_START and
    MIS_END, and it is from care (the 903 holds only looked-after children's episodes)."""
    source = sources["ssda903_missing"]
    episodes = sources.get("ssda903_episodes")
    ids = _Ids()
    for line, row in read["ssda903_missing"]:
        child = row.get("CHILD", "")
        cells = {
            "miss_person_id": child,
            "miss_missing_episode_type": row.get("MISSING", "").upper(),
            "csh_from_care": "Y",
        }
        for column, label in (
            ("miss_missing_episode_start_date", "MIS_START"),
            ("miss_missing_episode_end_date", "MIS_END"),
        ):
            text = row.get(label, "")
            try:
                day = values.parse_date(text) if text else None
            except values.CellError as exc:
                parsed.errors.append(Problem(source.filename, line, label, str(exc)))
                source.reported.add((line, label))
                continue
            cells[column] = _midday(day) if day else ""
        start = _day(row.get("MIS_START", ""))
        cells["miss_table_id"] = ids(f"903:{child}:{_iso(row.get('MIS_START', ''))}")
        source.records.append(Record(line, cells))
        if (
            episodes is not None
            and start is not None
            and not any(b <= start and (e is None or start <= e) for b, e in in_care.get(child, []))
        ):
            parsed.warnings.append(
                Problem(
                    source.filename,
                    line,
                    "MIS_START",
                    f"{format_date(start)} is outside every care episode of {child} in "
                    f"{episodes.filename}: imported as missing from care, as the 903 says",
                )
            )


# CIN census ---------------------------------------------------------------------------------


@dataclass
class _Node:
    tag: str
    line: int
    text: str = ""
    children: list["_Node"] = field(default_factory=list)

    def all(self, tag: str) -> list["_Node"]:
        return [c for c in self.children if c.tag == tag]

    def first(self, tag: str) -> "_Node | None":
        return next((c for c in self.children if c.tag == tag), None)


class _Tree(ContentHandler):
    """The XML as nodes that remember their line (for `file:line: element: message`)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[_Node] = [_Node("", 1)]
        self.locator: Locator | None = None

    def setDocumentLocator(self, locator: Locator) -> None:  # noqa: N802 (the SAX interface)
        self.locator = locator

    def startElement(self, name: str, attrs: object) -> None:  # noqa: N802
        line = (self.locator.getLineNumber() if self.locator else None) or 1
        node = _Node(name.rpartition(":")[2], line)
        self.stack[-1].children.append(node)
        self.stack.append(node)

    def endElement(self, name: str) -> None:  # noqa: N802
        node = self.stack.pop()
        node.text = node.text.strip()

    def characters(self, content: str) -> None:
        self.stack[-1].text += content


# The elements CSHub reads (or that only describe the return); others are named in a warning.
_CIN_READ = frozenset(
    {
        "Message",
        "Header",
        "CollectionDetails",
        "Collection",
        "Year",
        "ReferenceDate",
        "Source",
        "SourceLevel",
        "LEA",
        "SoftwareCode",
        "Release",
        "SerialNo",
        "DateTime",
        "Children",
        "Child",
        "ChildIdentifiers",
        "LAchildID",
        "UPN",
        "UPNunknown",
        "PersonBirthDate",
        "ExpectedPersonBirthDate",
        "Sex",
        "GenderCurrent",
        "PersonDeathDate",
        "ChildCharacteristics",
        "Ethnicity",
        "CINdetails",
        "CINreferralDate",
        "ReferralSource",
        "PrimaryNeedCode",
        "CINclosureDate",
        "ReasonForClosure",
        "ReferralNFA",
        "Assessments",
        "AssessmentActualStartDate",
        "AssessmentAuthorisationDate",
        "FactorsIdentifiedAtAssessment",
        "AssessmentFactors",
        "ChildProtectionPlans",
        "CPPstartDate",
        "CPPendDate",
        "InitialCategoryOfAbuse",
        "LatestCategoryOfAbuse",
    }
)
# GenderCurrent, before the 2024-25 census had Sex: 1 male, 2 female, 0 not known, 9 indeterminate.
_GENDER_CURRENT = {"1": "M", "2": "F", "0": "U", "9": "U"}
_NFA = {"1": "Y", "TRUE": "Y", "0": "N", "FALSE": "N"}


def _unread(node: _Node) -> Iterable[str]:
    for child in node.children:
        if child.tag not in _CIN_READ:
            yield child.tag
        else:
            yield from _unread(child)


class _Cells:
    """Cells of one record taken from elements, each remembering its element and line."""

    def __init__(self, source: Source, line: int) -> None:
        self.source, self.record = source, Record(line)
        source.records.append(self.record)

    def put(self, column: str, parent: _Node | None, tag: str, convert: dict[str, str] | None = None) -> str:
        node = parent.first(tag) if parent is not None else None
        text = _clean(node.text) if node is not None else ""
        if convert is not None:
            text = convert.get(text.upper(), text)
        self.record.cells[column] = text
        if node is not None:
            self.record.lines[column] = node.line
            self.source.labels.setdefault(column, tag)
        return text

    def set(self, column: str, text: str) -> None:
        self.record.cells[column] = text


def _cin(parsed: Parsed, name: str, data: bytes) -> list[Source]:
    tree = _Tree()
    try:
        parseString(data, tree)
    except DefusedXmlException:
        parsed.errors.append(
            Problem(
                name,
                1,
                "-",
                "the XML declares entities, which CSHub does not read: export it again without a DOCTYPE",
            )
        )
        return []
    except SAXParseException as exc:
        parsed.errors.append(
            Problem(name, exc.getLineNumber() or 1, "-", f"not well-formed XML ({exc.getMessage()})")
        )
        return []
    message = tree.stack[0].first("Message")
    children = message.first("Children") if message else None
    people = Source("person", name, {"pers_person_id": "LAchildID"})
    episodes = Source(
        "cin_episode", name, {"cine_referral_id": "CINreferralDate", "cine_person_id": "LAchildID"}
    )
    assessments = Source(
        "cin_assessment",
        name,
        {"cina_assessment_id": "AssessmentActualStartDate", "cina_person_id": "LAchildID"},
    )
    factors = Source(
        "assessment_factor",
        name,
        {"cinf_table_id": "AssessmentFactors", "cinf_assessment_id": "AssessmentFactors"},
    )
    plans = Source("cp_plan", name, {"cppl_cp_plan_id": "CPPstartDate", "cppl_person_id": "LAchildID"})
    episode_ids, assessment_ids, plan_ids = _Ids(), _Ids(), _Ids()
    for child in children.all("Child") if children else []:
        ids, about = child.first("ChildIdentifiers"), child.first("ChildCharacteristics")
        person = _Cells(people, child.line)
        la = person.put("pers_person_id", ids, "LAchildID")
        person.put("pers_upn", ids, "UPN")
        person.put("pers_upn_unknown", ids, "UPNunknown")
        person.put("pers_dob", ids, "PersonBirthDate")
        person.put("pers_expected_dob", ids, "ExpectedPersonBirthDate")
        person.put("pers_death_date", ids, "PersonDeathDate")
        if ids is not None and ids.first("Sex") is None and ids.first("GenderCurrent") is not None:
            person.put("pers_sex", ids, "GenderCurrent", _GENDER_CURRENT)
        else:
            person.put("pers_sex", ids, "Sex")
        person.put("pers_ethnicity", about, "Ethnicity")
        for details in child.all("CINdetails"):
            episode = _Cells(episodes, details.line)
            referred = episode.put("cine_referral_date", details, "CINreferralDate")
            episode_id = episode_ids(f"cin:{la}:{_iso(referred)}")
            episode.set("cine_referral_id", episode_id)
            episode.set("cine_person_id", la)
            episode.put("cine_referral_source_code", details, "ReferralSource")
            episode.put("cine_cin_primary_need_code", details, "PrimaryNeedCode")
            episode.put("cine_close_date", details, "CINclosureDate")
            episode.put("cine_close_reason", details, "ReasonForClosure")
            episode.put("cine_referral_nfa", details, "ReferralNFA", _NFA)
            for assessment in details.all("Assessments"):
                cells = _Cells(assessments, assessment.line)
                started = cells.put("cina_assessment_start_date", assessment, "AssessmentActualStartDate")
                assessment_id = assessment_ids(f"{episode_id}:{_iso(started)}")
                cells.set("cina_assessment_id", assessment_id)
                cells.set("cina_person_id", la)
                cells.set("cina_referral_id", episode_id)
                cells.put("cina_assessment_auth_date", assessment, "AssessmentAuthorisationDate")
                found = assessment.first("FactorsIdentifiedAtAssessment")
                codes = [_clean(f.text) for f in found.all("AssessmentFactors")] if found else []
                if any(codes):
                    factor = _Cells(factors, found.line if found else assessment.line)
                    factor.set("cinf_table_id", assessment_id)
                    factor.set("cinf_assessment_id", assessment_id)
                    factor.set("cinf_assessment_factors_json", json.dumps([c for c in codes if c]))
            for plan in details.all("ChildProtectionPlans"):
                cells = _Cells(plans, plan.line)
                started = cells.put("cppl_cp_plan_start_date", plan, "CPPstartDate")
                cells.set("cppl_cp_plan_id", plan_ids(f"cin:{la}:{_iso(started)}"))
                cells.set("cppl_person_id", la)
                cells.set("cppl_referral_id", episode_id)
                cells.put("cppl_cp_plan_end_date", plan, "CPPendDate")
                cells.put("cppl_cp_plan_initial_category", plan, "InitialCategoryOfAbuse")
                cells.put("cppl_cp_plan_latest_category", plan, "LatestCategoryOfAbuse")
    unread = sorted(set(_unread(tree.stack[0])))
    if unread:
        parsed.warnings.append(Problem(name, 1, "-", f"elements not read: {', '.join(unread)}"))
    return [people, episodes, assessments, factors, plans]


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
