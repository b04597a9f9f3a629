"""Reading an import: find the files (a folder or a .zip), check their headers, and parse
every cell, collecting every problem as `file:line: column: message`."""

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any

from cshub.interchange import codelists, values
from cshub.interchange.recognise import dfe_return, recognise
from cshub.interchange.spec import BY_FILENAME, SSD_COLUMNS, SSD_OPTIONAL, SSD_SKIP_WITHOUT, Column, Table


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.message}"

    @property
    def on_page(self) -> str:
        """As the pages say it: a problem about the whole file (column "-") names the file
        and what is wrong, without a line or a "-" column."""
        return on_page(str(self))


_FILE_LEVEL = re.compile(r"^(?P<file>.*?):\d+: -: (?P<message>.*)$", re.DOTALL)


def on_page(problem: str) -> str:
    """`file:1: -: message` (a problem as `cshub import` prints it, and as an import keeps
    its warnings) as the pages say it: `file: message`."""
    match = _FILE_LEVEL.match(problem)
    return f"{match['file']}: {match['message']}" if match else problem


class Row(dict[str, Any]):
    """One data row: its cells by column name (None for an empty cell or a column the file
    does not have), the line it came from, and the columns whose cell could not be read."""

    __slots__ = ("invalid", "line")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.invalid: set[str] = set()

    def __missing__(self, name: str) -> None:
        return None


@dataclass
class ParsedTable:
    table: Table
    filename: str
    rows: list[Row] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # a return's names for the columns

    def ids(self) -> set[str]:
        return {
            r[self.table.id_column] for r in self.rows if self.table.id_column and r[self.table.id_column]
        }


@dataclass(frozen=True)
class LookAlike:
    """A person new to CSHub in the files who may already have a record (the import's
    "People who may already have a record" section): never merged by the import."""

    file: str
    line: int
    source_id: str
    name: str  # as the file gives it
    born: str  # as the page says it ("3 April 2012"), or ""
    existing: int  # the CSHub record it looks like
    existing_name: str  # "" for a restricted record (named as such only)


@dataclass
class Parsed:
    tables: dict[str, ParsedTable] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    broken: set[str] = field(default_factory=set)  # tables whose header could not be used
    unplaced: list[codelists.Unplaced] = field(default_factory=list)  # codes to map, each once
    lookalikes: list[LookAlike] = field(default_factory=list)

    def rows(self, key: str) -> list[Row]:
        return self.tables[key].rows if key in self.tables else []

    def error(self, table: ParsedTable, row: Row, column: str, message: str) -> None:
        self.errors.append(Problem(table.filename, row.line, table.labels.get(column, column), message))


class TooLargeError(ValueError):
    """The files would expand beyond what one import may read."""


def _wanted(name: str, head: bytes) -> bool:
    """Read whole: a file of the format by its name, or a DfE return by its content."""
    return name in BY_FILENAME or dfe_return(name, head) is not None


class NotReadableError(FileNotFoundError):
    """The path is not something the importer reads; the message is one line for the user."""


HEAD_BYTES = 4096  # what is read of a file CSHub does not import by name, to say what it is
DATA_SUFFIXES = (".csv", ".xml")


def _sources(path: Path, max_bytes: int | None) -> Iterator[tuple[str, bytes | None, bytes]]:
    """(name, content, head) of each file: content None for a file that is not of the format
    (it is never read whole, so a .zip cannot expand a file nobody asked for), head its first
    few kilobytes (to say what it is). A lone .csv or .xml file is a folder of one."""
    if path.is_dir() or (path.is_file() and path.suffix.lower() in DATA_SUFFIXES):
        files = (
            [(c.name, c) for c in sorted(path.iterdir()) if c.is_file() and not c.name.startswith(".")]
            if path.is_dir()
            else [(path.name, path)]
        )
        heads = {}
        for name, child in files:
            with child.open("rb") as f:
                heads[name] = f.read(HEAD_BYTES)
        wanted = {name for name, _ in files if _wanted(name, heads[name])}
        total = sum(c.stat().st_size for name, c in files if name in wanted)
        if max_bytes is not None and total > max_bytes:
            raise TooLargeError(f"the files hold {total // 2**20} MB: more than {max_bytes // 2**20} MB")
        for name, child in files:
            yield name, child.read_bytes() if name in wanted else None, heads[name]
    elif path.is_file() and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            members = [
                (PurePosixPath(i.filename).name, i)
                for i in archive.infolist()
                if not i.is_dir() and not PurePosixPath(i.filename).name.startswith(".")
            ]
            heads = {}
            for _, info in members:  # a few kilobytes of each, to say what it is
                with archive.open(info) as f:
                    heads[info.filename] = f.read(HEAD_BYTES)
            wanted = {info.filename for name, info in members if _wanted(name, heads[info.filename])}
            total = sum(i.file_size for _, i in members if i.filename in wanted)
            if max_bytes is not None and total > max_bytes:
                raise TooLargeError(
                    f"the .zip expands to {total // 2**20} MB: more than {max_bytes // 2**20} MB"
                )
            for name, info in members:
                content = archive.read(info) if info.filename in wanted else None
                yield name, content, heads[info.filename]
    else:
        raise NotReadableError(f"{path.name} is not a folder, a .zip, a .csv or an .xml file")


def _parser(column: Column, table: Table, council: bool = False) -> Callable[[str], Any]:
    """How to read a (stripped, non-empty) cell of this column (`council`: in a file a
    council's system wrote, docs/interchange.md "Files a council's system wrote")."""
    if column.kind in ("id", "ref", "text"):
        return values.unguard
    if column.kind == "date":
        return partial(values.parse_date, council=True) if council else values.parse_date
    if column.kind == "datetime":
        return values.parse_council_datetime if council else values.parse_datetime
    if column.kind == "flag":
        return codelists.parse_flag  # Y/N, and YES/NO, 1/0, TRUE/FALSE
    if column.kind == "int":
        return values.parse_int
    codes = column.codes
    if column.kind in ("code", "codes") and codes:
        return codelists.parser(table.key, column)  # codes, their variants, managers' mappings
    if column.kind == "codes":
        return lambda raw: values.parse_codes(raw, codes)
    raise AssertionError(column.kind)


def _is_text(column: Column) -> bool:
    return column.kind in ("id", "ref", "text")


def _common(column: Column) -> dict[str, Any]:
    """The cells most of a column holds, already read: a code as written, Y and N (any
    other cell goes through the column's parser, which also words the error)."""
    if column.kind == "code":
        return {code: code for code in column.codes}
    if column.kind == "flag":
        return {"Y": True, "N": False}
    return {}


def _placeholder(value: Any) -> bool:
    """The SSD's placeholder date (1900-01-01, any time of day) in a date or date-time cell."""
    day = value.date() if isinstance(value, dt.datetime) else value
    return bool(day == values.PLACEHOLDER_DAY)


def _parse_table(
    parsed: Parsed, table: Table, filename: str, data: bytes, council: bool | None = None
) -> None:
    """`council`: a file a council's system wrote (by default, one with the SSD's file name):
    `NULL` text and the SSD's placeholders are empty, names may be absent (SSD_OPTIONAL),
    date columns take DATETIME text, and date-times the clock-change rule."""
    if council is None:
        council = filename == table.ssd_filename
    target = ParsedTable(table, filename)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        parsed.errors.append(Problem(filename, 1, "-", f"not UTF-8 text ({exc.reason} at byte {exc.start})"))
        return
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    header = [dict(table.aliases).get(h, h) for h in header]  # another name for a column
    if not header:
        parsed.errors.append(Problem(filename, 1, "-", "the file is empty: it needs a header row"))
        parsed.broken.add(table.key)
        return
    not_kept = [
        name for name in header if table.column(name) is None and name in SSD_COLUMNS.get(table.key, ())
    ]
    for name in header:
        if table.column(name) is None and name not in not_kept:
            parsed.warnings.append(Problem(filename, 1, name, "unknown column, ignored"))
    if not_kept:
        parsed.warnings.append(
            Problem(filename, 1, "-", f"the SSD's columns {', '.join(not_kept)}: not kept by CSHub, ignored")
        )
    # Columns that must be there, and cells that must be filled: a council's file may leave
    # out the SSD_OPTIONAL columns; in any file their cells may be empty (whether a row may
    # leave them empty is validate's rule: a person without a name, not half of one).
    optional = SSD_OPTIONAL.get(table.key, frozenset())
    columns = {c.name for c in table.columns if c.required and not (council and c.name in optional)}
    skip_without = SSD_SKIP_WITHOUT.get(table.key, ()) if council else ()
    required = {c.name for c in table.columns if c.required and c.name not in optional} - set(skip_without)
    skipped: dict[str, list[int]] = {}  # column -> lines of rows left out for want of it
    for column in table.columns:
        if column.name in columns and column.name not in header:
            parsed.errors.append(Problem(filename, 1, column.name, "required column is missing"))
    if not columns <= set(header):
        parsed.broken.add(table.key)
        return
    index = {name: i for i, name in enumerate(header)}
    width = len(header)
    # Per column of the file: where it is, its name, whether it is required, the values
    # most cells hold (codes and flags, read by a lookup), and how to read any cell.
    texts = [
        (index[c.name], c.name, c.name in required) for c in table.columns if c.name in index and _is_text(c)
    ]
    fallback = {
        index[name]: index[other] for name, other in table.fallbacks if name in index and other in index
    }
    others = [
        (index[c.name], c.name, c.name in required, _common(c), _parser(c, table, council))
        for c in table.columns
        if c.name in index and not _is_text(c)
    ]
    unguard = values.unguard
    # In a council's file: what its system writes for "no value" (never equal to a cell
    # otherwise), and where the SSD's placeholders were found, by (column, text).
    null, placeholder = (values.NULL_TEXT, values.PLACEHOLDER_TEXT) if council else (None, None)
    dated = {c.name for c in table.columns if c.kind in ("date", "datetime")} if council else set()
    placeholders: dict[tuple[str, str], list[int]] = {}
    # PostgreSQL cannot store a NUL character in text: a cell with one is an error on its
    # line (looked for cell by cell only in a file that has one).
    has_nul = "\x00" in text
    seen: dict[object, int] = {}
    unplaced: dict[tuple[str, str], tuple[str, list[int]]] = {}  # (column, folded) -> (value, lines)
    line = 1
    for cells in reader:
        line = reader.line_num
        if not (cells and cells[0].strip()) and not any(cell.strip() for cell in cells):
            continue  # a blank line
        if len(cells) < width:
            cells.extend([""] * (width - len(cells)))
        row = Row(line)
        for i, name, needed in texts:
            raw = cells[i].strip()
            if i in fallback and raw in ("", null):
                raw = cells[fallback[i]].strip()
            if raw == null:
                raw = ""
            elif raw == placeholder:
                placeholders.setdefault((name, raw), []).append(line)
                raw = ""
            if has_nul and "\x00" in raw:
                row.invalid.add(name)
                parsed.error(target, row, name, "contains a NUL character")
            elif raw:
                row[name] = raw if raw[0] != "'" else unguard(raw)
            elif needed:
                parsed.error(target, row, name, "a value is required")
        for i, name, needed, common, parse in others:
            raw = cells[i].strip()
            if raw == null:
                raw = ""
            elif raw == placeholder:
                placeholders.setdefault((name, raw), []).append(line)
                raw = ""
            if not raw:
                if needed:
                    parsed.error(target, row, name, "a value is required")
                continue
            value = common.get(raw)
            if value is None:
                try:
                    value = parse(raw)
                except codelists.UnknownCodeError as exc:
                    row.invalid.add(name)
                    for unknown in exc.unknown:  # `Xhosa` and `XHOSA` are one value
                        unplaced.setdefault((name, codelists.fold(unknown)), (unknown, []))[1].append(line)
                    continue
                except values.CellError as exc:
                    row.invalid.add(name)
                    parsed.error(target, row, name, str(exc))
                    continue
                if type(value) is values.Noted:  # read by the clock-change rule
                    parsed.warnings.append(Problem(filename, line, name, value.note))
                    value = value.value
                if name in dated and _placeholder(value):
                    placeholders.setdefault((name, raw), []).append(line)
                    if needed:
                        parsed.error(target, row, name, "a value is required")
                    continue
            row[name] = value
        wanting = next((c for c in skip_without if row[c] is None and c not in row.invalid), None)
        if wanting is not None:
            skipped.setdefault(wanting, []).append(line)
            continue
        key = row[table.id_column] if table.id_column else tuple(row[c] for c in table.key_columns)
        if key is not None and key != (None,) * len(table.key_columns):
            if key in seen:
                parsed.error(
                    target,
                    row,
                    table.id_column or table.key_columns[-1],
                    f"duplicate of the row on line {seen[key]}",
                )
            seen.setdefault(key, line)
        target.rows.append(row)
    for (name, _), (unknown, lines) in unplaced.items():  # one error per distinct value
        item = codelists.Unplaced(table.key, filename, name, unknown, lines)
        parsed.unplaced.append(item)
        parsed.errors.append(Problem(filename, lines[0], name, item.message()))
    for name, lines in skipped.items():
        shown = ", ".join(map(str, lines[:5])) + (", …" if len(lines) > 5 else "")
        plural = "s" if len(lines) > 1 else ""
        parsed.warnings.append(
            Problem(
                filename,
                lines[0],
                name,
                f"empty, so the row cannot be kept: {len(lines)} row{plural} left out (line{plural} {shown})",
            )
        )
    for (name, raw), lines in placeholders.items():
        shown = ", ".join(map(str, lines[:5])) + (", …" if len(lines) > 5 else "")
        plural = "s" if len(lines) > 1 else ""
        count = f"{len(lines)} row{plural} (line{plural} {shown})"
        parsed.warnings.append(
            Problem(
                filename,
                lines[0],
                name,
                f"'{raw}' is the SSD's placeholder for no value, read as empty: {count}",
            )
        )
    parsed.tables[table.key] = target


def read(path: Path, max_bytes: int | None = None) -> Parsed:
    from cshub.interchange import returns

    parsed = Parsed()
    found: dict[str, str] = {}
    dfe: list[tuple[str, bytes]] = []  # the SSDA903 and CIN census, by content whatever the name
    others: list[Problem] = []  # data files CSHub does not read, and what each looks like
    for name, data, head in _sources(path, max_bytes):
        if data is not None and dfe_return(name, data):
            dfe.append((name, data))
            continue
        what = recognise(name, head)  # by content first: a 903 file is not CSHub's own
        table = None if what else BY_FILENAME.get(name)
        if table is None or data is None:
            if what:
                others.append(Problem(name, 1, "-", f"this looks like {what}"))
            elif name.lower().endswith(DATA_SUFFIXES):
                others.append(Problem(name, 1, "-", "not a file of the interchange format"))
            else:
                parsed.warnings.append(Problem(name, 1, "-", "not a data file, ignored"))
            continue
        if table.key in found:
            parsed.errors.append(
                Problem(name, 1, "-", f"{found[table.key]} holds the same table: give only one")
            )
            continue
        found[table.key] = name
        _parse_table(parsed, table, name, data)
    if dfe:
        returns.read_into(parsed, dfe)
    if found or dfe:
        parsed.warnings += [Problem(p.file, p.line, p.column, f"{p.message}, ignored") for p in others]
    else:  # nothing CSHub reads: an error naming what is there, never "0 rows"
        parsed.errors += others or [Problem(path.name, 1, "-", "no file of the interchange format")]
    return parsed
