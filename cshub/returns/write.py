"""Writing tables as CSV or XLSX (openpyxl), and writing a file only when it is whole.

An XLSX has the table on a sheet of its own, a header row kept in view, numbers as numbers,
and a "read me" sheet saying what the table is."""

import csv
import io
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _cell(value: Any) -> Any:
    return "" if value is None else value


def to_csv(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([[_cell(v) for v in row] for row in rows])
    return out.getvalue().encode("utf-8")


def _as_text(sheet: Any) -> None:
    """Text that openpyxl took for a formula (it begins with "="), kept as the text it is: a
    value never runs in the spreadsheet of whoever opens the file, and reads back the same."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def to_xlsx(
    sheet: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], read_me: Sequence[tuple[str, Any]]
) -> bytes:
    book = Workbook()
    table = book.active
    table.title = sheet
    table.append(list(columns))
    for cell in table[1]:
        cell.font = Font(bold=True)
    for row in rows:
        table.append([None if v == "" else v for v in row])  # blank cells, never empty text
    _as_text(table)
    table.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHIJ", (8, 18, 10, 48, 10, 12, 12, 10, 10, 30), strict=False):
        table.column_dimensions[letter].width = width
    notes = book.create_sheet("read me")
    for key, value in read_me:
        notes.append([key, value])
    _as_text(notes)
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 90
    for cell in notes["A"]:
        cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_whole(path: Path | str, data: bytes) -> None:
    """Write the file through a temporary file beside it, renamed into place: a reader never
    sees half a file, and a failure leaves what was there."""
    target = Path(path)
    fd, temporary = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
