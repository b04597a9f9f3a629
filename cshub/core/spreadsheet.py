"""CSV that people open in a spreadsheet. A cell that begins with `=`, `+`, `-`, `@`, a tab
or a carriage return is read by Excel and LibreOffice as a formula ("CSV injection",
OWASP; ASVS 5.3.5): a name typed as `=HYPERLINK(...)` would become a live link or worse.
Such a cell is written with a leading apostrophe, which spreadsheets show as plain text.

Only for files meant for people (the intelligence network export, subject access). The
interchange format is read by programs and round-trips exactly: it does not use this."""

import csv
from collections.abc import Iterable
from typing import IO, Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class SafeWriter:
    """csv.writer whose text cells can never start a formula."""

    def __init__(self, handle: IO[str], **kwargs: Any) -> None:
        self._writer = csv.writer(handle, **kwargs)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([safe_cell(v) for v in row])


def writer(handle: IO[str], **kwargs: Any) -> SafeWriter:
    return SafeWriter(handle, **kwargs)
