"""Integer ids from query strings and forms: one parser, bounded to what a database id can be.

`int()` on user input raises on "1e5" or "²" (which `str.isdigit()` accepts), and a value past
64 bits overflows the database driver (a 500 on SQLite). Every id read from `request.GET` or
`request.POST` goes through `parse_id`: anything that is not a plain decimal in 1..2**63-1 is
no id at all (the caller treats it as no filter, or answers 404)."""

import re

MAX_ID = 2**63 - 1
_DECIMAL = re.compile(r"[0-9]{1,19}")


def parse_id(value: object) -> int | None:
    """The id in `value` (a string from a request), or None when it is not a plausible id."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not _DECIMAL.fullmatch(text):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def parse_ids(values: list[str]) -> list[int]:
    """The plausible ids among `values` (e.g. `request.POST.getlist("children")`)."""
    return [n for n in (parse_id(v) for v in values) if n is not None]
