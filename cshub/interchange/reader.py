"""Reading an import: find the files (a folder or a .zip), check their headers, and parse
every cell, collecting every problem as `file:line: column: message`."""

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from cshub.interchange import codelists, values
from cshub.interchange.spec import BY_FILENAME, Column, Table


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.message}"


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


@dataclass
class Parsed:
    tables: dict[str, ParsedTable] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    broken: set[str] = field(default_factory=set)  # tables whose header could not be used
    unplaced: list[codelists.Unplaced] = field(default_factory=list)  # codes to map, each once

    def rows(self, key: str) -> list[Row]:
        return self.tables[key].rows if key in self.tables else []

    def error(self, table: ParsedTable, row: Row, column: str, message: str) -> None:
        self.errors.append(Problem(table.filename, row.line, table.labels.get(column, column), message))


class TooLargeError(ValueError):
    """The files would expand beyond what one import may read."""


def _wanted(name: str) -> bool:
    """A file of the format, or a CSV or XML file that may be a DfE return (returns.py)."""
    return name in BY_FILENAME or name.lower().endswith((".csv", ".xml"))


def _sources(path: Path, max_bytes: int | None) -> Iterator[tuple[str, bytes | None]]:
    """(name, content) of each file; content None for a file that is not of the format
    (it is never read, so a .zip cannot expand a file nobody asked for)."""
    if path.is_dir():
        files = [(c.name, c) for c in sorted(path.iterdir()) if c.is_file()]
        total = sum(c.stat().st_size for name, c in files if _wanted(name))
        if max_bytes is not None and total > max_bytes:
            raise TooLargeError(f"the files hold {total // 2**20} MB: more than {max_bytes // 2**20} MB")
        for name, child in files:
            yield name, child.read_bytes() if _wanted(name) else None
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            members = [
                (PurePosixPath(i.filename).name, i)
                for i in archive.infolist()
                if not i.is_dir() and not PurePosixPath(i.filename).name.startswith(".")
            ]
            total = sum(i.file_size for name, i in members if _wanted(name))
            if max_bytes is not None and total > max_bytes:
                raise TooLargeError(
                    f"the .zip expands to {total // 2**20} MB: more than {max_bytes // 2**20} MB"
                )
            for name, info in members:
                yield name, archive.read(info) if _wanted(name) else None
    else:
        raise FileNotFoundError(f"{path} is neither a folder nor a .zip file")


def _parser(column: Column, table: Table) -> Callable[[str], Any]:
    """How to read a (stripped, non-empty) cell of this column."""
    if column.kind in ("id", "ref", "text"):
        return values.unguard
    if column.kind == "date":
        return values.parse_date
    if column.kind == "datetime":
        return values.parse_datetime
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


def _parse_table(parsed: Parsed, table: Table, filename: str, data: bytes) -> None:
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
    for name in header:
        if table.column(name) is None:
            parsed.warnings.append(Problem(filename, 1, name, "unknown column, ignored"))
    for column in table.columns:
        if column.required and column.name not in header:
            parsed.errors.append(Problem(filename, 1, column.name, "required column is missing"))
    if any(c.required and c.name not in header for c in table.columns):
        parsed.broken.add(table.key)
        return
    index = {name: i for i, name in enumerate(header)}
    width = len(header)
    # Per column of the file: where it is, its name, whether it is required, the values
    # most cells hold (codes and flags, read by a lookup), and how to read any cell.
    texts = [(index[c.name], c.name, c.required) for c in table.columns if c.name in index and _is_text(c)]
    others = [
        (index[c.name], c.name, c.required, _common(c), _parser(c, table))
        for c in table.columns
        if c.name in index and not _is_text(c)
    ]
    unguard = values.unguard
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
        for i, name, required in texts:
            raw = cells[i].strip()
            if has_nul and "\x00" in raw:
                row.invalid.add(name)
                parsed.error(target, row, name, "contains a NUL character")
            elif raw:
                row[name] = raw if raw[0] != "'" else unguard(raw)
            elif required:
                parsed.error(target, row, name, "a value is required")
        for i, name, required, common, parse in others:
            raw = cells[i].strip()
            if not raw:
                if required:
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
            row[name] = value
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
    parsed.tables[table.key] = target


def read(path: Path, max_bytes: int | None = None) -> Parsed:
    from cshub.interchange import returns
    from cshub.interchange.recognise import dfe_return

    parsed = Parsed()
    found: dict[str, str] = {}
    dfe: list[tuple[str, bytes]] = []  # the SSDA903 and CIN census, by content whatever the name
    for name, data in _sources(path, max_bytes):
        if data is not None and dfe_return(name, data):
            dfe.append((name, data))
            continue
        table = BY_FILENAME.get(name)
        if table is None or data is None:
            if name.lower().endswith(".csv"):
                parsed.warnings.append(Problem(name, 1, "-", "not a file of the interchange format, ignored"))
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
    return parsed
