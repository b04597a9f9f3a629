"""Reading a hub's return (CSV or XLSX) and checking every row against the schema.

Every problem is kept, as `file:line: column: message`, so one run lists them all. Plain
functions over bytes: no request, no writes."""

import csv
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from cshub.assurance.metrics import Percent
from cshub.returns.schema import (
    COLUMNS,
    COUNT,
    HUB_ID,
    KINDS,
    PERCENT,
    SCHEMA_VERSION,
    Catalogue,
    Quarter,
    Row,
    agrees,
)

SHEET = "return"
WHOLE = re.compile(r"\d{1,15}")
# A return has one row a measure (a few hundred): anything far larger is not a return, and is
# refused before it is read (a small XLSX can declare a sheet of 17 billion cells).
MOST_BYTES = 20 * 1024 * 1024
MOST_ROWS = 20_000
DECIMAL = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.message}"


@dataclass
class Record:
    """One row as read: its line (the CSV line, the sheet's row number) and raw cells."""

    line: int
    cells: dict[str, Any]


@dataclass
class ReturnFile:
    """A hub's return that passed every check."""

    name: str
    hub: str
    quarter: Quarter
    rows: list[Row]
    lines: dict[str, int] = field(default_factory=dict)  # measure -> line


class Formula(str):
    """A cell that held a formula (already reported): its column is not checked again."""


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def load(name: str, data: bytes) -> tuple[list[Record], list[Problem]]:
    """The rows of a CSV or XLSX return (an XLSX is a zip file), or the problems of its layout."""
    if len(data) > MOST_BYTES:
        return [], [Problem(name, 1, "file", f"larger than {MOST_BYTES // (1024 * 1024)} MB: not a return")]
    if data[:4] == b"PK\x03\x04":
        return load_xlsx(name, data)
    return load_csv(name, data)


def _records(
    name: str, header: list[Any], rows: list[tuple[int, list[Any]]]
) -> tuple[list[Record], list[Problem]]:
    found = ["" if h is None else str(h).strip() for h in header]
    while found and not found[-1]:
        found.pop()
    if tuple(found) != COLUMNS:
        return [], [
            Problem(
                name,
                1,
                "header",
                f"the columns must be {', '.join(COLUMNS)} in that order; found {', '.join(found) or 'none'}",
            )
        ]
    while rows and all(_blank(c) for c in rows[-1][1]):  # blank rows at the end are no rows
        rows.pop()
    records, problems = [], []
    for line, cells in rows:
        if all(_blank(c) for c in cells):
            problems.append(Problem(name, line, "row", "a blank row; remove it"))
            continue
        extra = cells[len(COLUMNS) :]
        if len(cells) < len(COLUMNS) or any(not _blank(c) for c in extra):
            problems.append(
                Problem(name, line, "row", f"{len(cells)} cells; the header has {len(COLUMNS)} columns")
            )
            continue
        records.append(Record(line, dict(zip(COLUMNS, cells, strict=False))))
    if not records and not problems:
        problems.append(Problem(name, 1, "file", "no rows after the header"))
    return records, problems


def load_csv(name: str, data: bytes) -> tuple[list[Record], list[Problem]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [Problem(name, 1, "file", "not a CSV file in UTF-8, nor an XLSX workbook")]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        lines = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        return [], [Problem(name, reader.line_num, "file", f"not readable as CSV ({exc})")]
    if not lines:
        return [], [Problem(name, 1, "header", "the file is empty")]
    (_, header), rows = lines[0], lines[1:]
    return _records(name, list(header), [(n, list(r)) for n, r in rows])


def load_xlsx(name: str, data: bytes) -> tuple[list[Record], list[Problem]]:
    try:
        unpacked = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return [], [Problem(name, 1, "file", f"not a readable XLSX workbook ({type(exc).__name__})")]
    if unpacked > 5 * MOST_BYTES:
        return [], [Problem(name, 1, "file", "unpacks to more than a return could hold: not a return")]
    try:
        book = load_workbook(io.BytesIO(data), data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        return [], [Problem(name, 1, "file", f"not a readable XLSX workbook ({type(exc).__name__})")]
    if SHEET not in book.sheetnames:
        return [], [Problem(name, 1, "sheet", f'no sheet named "{SHEET}"')]
    sheet = book[SHEET]
    if sheet.max_row > MOST_ROWS:
        return [], [Problem(name, 1, "sheet", f"{sheet.max_row} rows: a return has one row a measure")]
    problems: list[Problem] = []
    rows: list[tuple[int, list[Any]]] = []
    header: list[Any] = []
    # Only the return's columns and one more (a stray column is reported, not read to its end).
    for cells in sheet.iter_rows(max_col=min(sheet.max_column, len(COLUMNS) + 1)):
        values = []
        for cell in cells:
            if cell.data_type == "f":
                column = COLUMNS[cell.column - 1] if cell.column <= len(COLUMNS) else cell.column_letter
                problems.append(Problem(name, cell.row, column, "a formula; enter the value itself"))
                values.append(Formula(cell.value))
            else:
                values.append(cell.value)
        if cells and cells[0].row == 1:
            header = values
        elif cells:
            rows.append((cells[0].row, values))
    records, layout = _records(name, header, rows)
    return records, problems + layout


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def _whole(value: Any, xlsx: bool) -> int | str:
    """A whole number of 0 or more, or why not."""
    if isinstance(value, str) and xlsx and value.strip():
        return f'"{value.strip()}" is text, not a number; enter it as a number'
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value >= 0 else f"{value} is not a whole number of 0 or more"
    if isinstance(value, float):
        return (
            int(value) if value.is_integer() and value >= 0 else f"{value} is not a whole number of 0 or more"
        )
    text = _text(value)
    return int(text) if WHOLE.fullmatch(text) else f'"{text}" is not a whole number of 0 or more'


def _decimal(value: Any, xlsx: bool) -> Decimal | str:
    if isinstance(value, str) and xlsx and value.strip():
        return f'"{value.strip()}" is text, not a number; enter it as a number'
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    text = _text(value)
    if not DECIMAL.fullmatch(text):
        return f'"{text}" is not a number'
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return f'"{text}" is not a number'


def check(
    name: str, records: list[Record], catalogue_for: Callable[[Quarter], Catalogue], *, xlsx: bool = False
) -> tuple[ReturnFile | None, list[Problem]]:
    """The file's rows checked against the schema: the file as far as its hub and quarter could
    be read (its good rows), and every problem. Use the file only when there are none."""
    problems: list[Problem] = []
    formulas: set[str] = set()

    def problem(line: int, column: str, message: str) -> None:
        if column not in formulas:  # a formula's cell is reported once, as a formula
            problems.append(Problem(name, line, column, message))

    hub: tuple[str, int] | None = None
    quarter: tuple[Quarter, int] | None = None
    catalogues: dict[Quarter, Catalogue] = {}
    seen: dict[str, int] = {}
    rows: list[Row] = []
    for record in records:
        line, c = record.line, record.cells
        formulas = {column for column, value in c.items() if isinstance(value, Formula)}
        ok = not formulas
        schema = _text(c["schema"])
        if schema != str(SCHEMA_VERSION):
            problem(
                line, "schema", f'schema version "{schema}" is not one this CSHub reads ({SCHEMA_VERSION})'
            )
            ok = False
        row_hub = _text(c["hub"])
        if not HUB_ID.fullmatch(row_hub):
            problem(line, "hub", f'"{row_hub}" is not a hub id (letters, digits and hyphens)')
            ok = False
        elif hub is None:
            hub = (row_hub, line)
        elif row_hub != hub[0]:
            problem(line, "hub", f'"{row_hub}" differs from "{hub[0]}" on line {hub[1]} (one hub per file)')
            ok = False
        row_quarter: Quarter | None = None
        try:
            row_quarter = Quarter.parse(_text(c["quarter"]))
        except ValueError as exc:
            problem(line, "quarter", str(exc))
            ok = False
        if row_quarter is not None:
            if quarter is None:
                quarter = (row_quarter, line)
            elif row_quarter != quarter[0]:
                problem(
                    line,
                    "quarter",
                    f"{row_quarter} differs from {quarter[0]} on line {quarter[1]} (one quarter per file)",
                )
                ok = False
                row_quarter = None
        measure = _text(c["measure"])
        expected_kind: str | None = None
        if not measure:
            problem(line, "measure", "enter the measure's id")
            ok = False
        elif measure in seen:
            problem(line, "measure", f"{measure} is also on line {seen[measure]}")
            ok = False
        else:
            seen[measure] = line
            if row_quarter is not None:
                if row_quarter not in catalogues:
                    catalogues[row_quarter] = catalogue_for(row_quarter)
                known = catalogues[row_quarter]
                if why := known.problem(measure):
                    problem(line, "measure", why)
                    ok = False
                else:
                    expected_kind = known.kinds[measure]
        kind = _text(c["kind"])
        if kind not in KINDS:
            problem(line, "kind", f'"{kind}" is not count or percent')
            ok = False
        elif expected_kind and kind != expected_kind:
            problem(line, "kind", f"{measure} is a {expected_kind}, not a {kind}")
            ok = False
        numerator = (
            _whole(c["numerator"], xlsx) if not _blank(c["numerator"]) else "enter the numerator (the count)"
        )
        if isinstance(numerator, str):
            problem(line, "numerator", numerator)
            ok = False
        denominator: int | str | None = None
        if kind == COUNT:
            if not _blank(c["denominator"]):
                problem(line, "denominator", "a count has no denominator; leave it blank")
                ok = False
        elif kind == PERCENT:
            denominator = (
                _whole(c["denominator"], xlsx) if not _blank(c["denominator"]) else "enter the denominator"
            )
            if isinstance(denominator, str):
                problem(line, "denominator", denominator)
                ok = False
            elif isinstance(numerator, int) and numerator > denominator:
                problem(line, "numerator", f"{numerator} is more than the denominator {denominator}")
                ok = False
        value = None if _blank(c["value"]) else _decimal(c["value"], xlsx)
        if isinstance(value, str):
            problem(line, "value", value)
            ok = False
        elif isinstance(numerator, int) and kind == COUNT:
            if value != numerator:
                shown = "blank" if value is None else f"{_text(c['value'])} is"
                problem(line, "value", f"{shown} not the count {numerator}")
                ok = False
        elif isinstance(numerator, int) and isinstance(denominator, int) and kind == PERCENT:
            if denominator == 0 and value is not None:
                problem(line, "value", "must be blank when the denominator is 0")
                ok = False
            elif denominator and value is None:
                problem(line, "value", f"enter the percentage of {numerator}/{denominator}")
                ok = False
            elif denominator and value is not None and not agrees(value, numerator, denominator):
                exact = Percent(numerator, denominator).percent
                problem(
                    line,
                    "value",
                    f"{_text(c['value'])} does not agree with {numerator}/{denominator} = {exact:.2f} (to within 0.01)",
                )
                ok = False
        if ok and hub and row_quarter and isinstance(numerator, int):
            rows.append(
                Row(
                    hub[0],
                    row_quarter,
                    measure,
                    kind,
                    numerator,
                    denominator if isinstance(denominator, int) else None,
                )
            )
    if hub is None or quarter is None:
        return None, problems
    return ReturnFile(name, hub[0], quarter[0], rows, seen), problems


def read(
    path: Path | str, catalogue_for: Callable[[Quarter], Catalogue], *, name: str | None = None
) -> tuple[ReturnFile | None, list[Problem]]:
    """A return from a file, checked: the file (use it only when there are no problems) and
    every problem found."""
    shown = name or str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return None, [Problem(shown, 1, "file", f"cannot be read ({exc.strerror})")]
    return read_bytes(shown, data, catalogue_for)


def read_bytes(
    name: str, data: bytes, catalogue_for: Callable[[Quarter], Catalogue]
) -> tuple[ReturnFile | None, list[Problem]]:
    records, problems = load(name, data)
    if not records:
        return None, problems
    checked, more = check(name, records, catalogue_for, xlsx=data[:4] == b"PK\x03\x04")
    return checked, sorted(problems + more, key=lambda p: p.line)
