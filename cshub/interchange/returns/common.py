"""What the readers of the DfE returns share: the records a return gives, ids, cells."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from cshub.core.dates import LONDON
from cshub.interchange import values

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
