"""Parsing one cell: the rules of docs/interchange.md for dates, date-times, flags, codes."""

import datetime as dt
import re
from typing import NamedTuple

from cshub.core.dates import LONDON


class CellError(ValueError):
    """A cell that cannot be read; the message is what the user sees."""


_DATE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DATE_UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_DATE_MIDNIGHT = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T]00:00(:00(\.0+)?)?$")
# SQL DATETIME / TIMESTAMP text with any time of day, as a council's extract writes every date.
_DATE_ANY_TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?$")


def parse_date(text: str, *, council: bool = False) -> dt.date:
    """A date. In a file a council's system wrote (`council`), SQL DATETIME text with any
    time of day is its date as written (the time of day is dropped: the column is a date)."""
    day_time = _DATE_ANY_TIME if council else _DATE_MIDNIGHT
    for pattern, order in ((_DATE_ISO, "ymd"), (day_time, "ymd"), (_DATE_UK, "dmy")):
        m = pattern.match(text)
        if m:
            a, b, c = int(m.group(1)), int(m.group(2)), int(m.group(3))
            y, mo, d = (a, b, c) if order == "ymd" else (c, b, a)
            try:
                return dt.date(y, mo, d)
            except ValueError:
                raise CellError(f"'{text}' is not a real date") from None
    raise CellError(f"'{text}' is not a date: use YYYY-MM-DD (or DD/MM/YYYY)")


def parse_datetime(text: str) -> dt.datetime:
    """ISO 8601 (a space may stand for T). Without an offset: Europe/London local time, and
    a local time that does not exist or happens twice (the clock-change hour) is an error.
    The instant comes back in UTC, as the database keeps it (so writing it takes no
    conversion)."""
    try:
        value = dt.datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
    except ValueError:
        raise CellError(f"'{text}' is not a date and time: use YYYY-MM-DDTHH:MM[:SS][+offset]") from None
    if value.tzinfo is dt.UTC:
        return value
    if not 1 < value.year < 9999:  # an offset could carry it past the calendar's ends
        raise CellError(f"'{text}' is not a plausible date and time")
    if value.tzinfo is not None:
        return value.astimezone(dt.UTC)
    first, second = value.replace(tzinfo=LONDON, fold=0), value.replace(tzinfo=LONDON, fold=1)
    if first.astimezone(dt.UTC).astimezone(LONDON).replace(tzinfo=None) != value:
        raise CellError(f"'{text}' does not exist in UK time (the clocks went forward): add a UTC offset")
    if first.utcoffset() != second.utcoffset():
        raise CellError(f"'{text}' happens twice in UK time (the clocks went back): add a UTC offset")
    return first.astimezone(dt.UTC)


class Noted(NamedTuple):
    """A value read with a note for the user (a warning on its line)."""

    value: dt.datetime
    note: str


def parse_council_datetime(text: str) -> dt.datetime | Noted:
    """A date-time in a file a council's system wrote, which cannot carry an offset
    (shared/spec/interchange.md): a local time that happens twice is its first occurrence
    (British Summer Time); one that does not exist is read as if the clocks had not yet
    gone forward (GMT), as SQL Server's AT TIME ZONE does. Either comes back `Noted`,
    with the warning that says which instant was chosen."""
    try:
        return parse_datetime(text)
    except CellError as exc:
        message = str(exc)
        if not message.endswith("add a UTC offset"):
            raise
    value = dt.datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
    first = value.replace(tzinfo=LONDON, fold=0)
    if first.astimezone(dt.UTC).astimezone(LONDON).replace(tzinfo=None) != value:
        instant = value.replace(tzinfo=dt.UTC)  # before the change: GMT, UTC+0
        why = "does not exist in UK time (the clocks went forward): read as GMT, before the change"
    else:
        instant = first.astimezone(dt.UTC)  # the first occurrence: BST, UTC+1
        why = "happens twice in UK time (the clocks went back): read as its first occurrence, in BST"
    when = instant.strftime("%Y-%m-%dT%H:%M") + (f":{instant.second:02d}" if instant.second else "")
    return Noted(instant, f"'{text}' {why} ({when}Z)")


# What a council's system writes for "no value": SQL Server Management Studio's text for
# NULL (upper case only: `Null` is a surname), the SSD's placeholder text, and its
# placeholder date (any time of day).
NULL_TEXT = "NULL"
PLACEHOLDER_TEXT = "SSD_PH"
PLACEHOLDER_DAY = dt.date(1900, 1, 1)


def parse_flag(text: str) -> bool:
    upper = text.upper()
    if upper not in ("Y", "N"):
        raise CellError(f"'{text}' is not Y or N")
    return upper == "Y"


# The database's integer columns are 32-bit on PostgreSQL.
INT_LIMIT = 2**31 - 1


def parse_int(text: str) -> int:
    if not re.fullmatch(r"-?[0-9]+", text):
        raise CellError(f"'{text}' is not a whole number")
    if len(text) > 11 or abs(int(text)) > INT_LIMIT:
        raise CellError(f"'{text}' is too large a number")
    return int(text)


def parse_code(text: str, codes: tuple[str, ...]) -> str:
    if text in codes:
        return text
    raise CellError(f"unknown code '{text}' (expected one of {', '.join(codes)})")


def parse_codes(text: str, codes: tuple[str, ...]) -> list[str]:
    values = [part.strip() for part in text.split(";") if part.strip()]
    if codes:
        for value in values:
            parse_code(value, codes)
    return values


def format_datetime(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if value else ""


def format_date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def format_flag(value: bool | None) -> str:
    return "" if value is None else ("Y" if value else "N")


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def guard(text: str) -> str:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe on export."""
    return "'" + text if text.startswith(FORMULA_START) else text


def unguard(text: str) -> str:
    """The importer removes that apostrophe again, so export then import is the identity."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text
