"""Tables as cards on small screens (class `cshub-cards`, app.css): each body cell carries its
column's name as `data-label`, which the CSS shows before the value below 641 px. The labels
are written on the server, from the table's own header row, so a card keeps them without
JavaScript and a template writes each column's name once (`{% cards %}…{% endcards %}`).

A cell that already has a `data-label` keeps it; a row header (`<th scope="row">`) is the
card's title and has none; a header's visually hidden words (`govuk-visually-hidden`) are
not part of its label; `colspan` moves on to the right column (a header over two columns
names both). Only the table's own rows are labelled, never those of a table inside a cell.

It reads the table tags of the HTML our templates wrote (quoted attributes, no `>` inside
them, no table inside a header cell) with regular expressions rather than a full parser, so
a list of hundreds of rows is labelled in milliseconds."""

import re
from dataclasses import dataclass, field
from html import escape, unescape

CLASS = "cshub-cards"
_TAG = re.compile(r"<(/?)(table|thead|tbody|tfoot|tr|th|td)((?:\s[^>]*)?)>", re.IGNORECASE)
_ATTR = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_HIDDEN = re.compile(
    r"""<(\w+)[^>]*\bclass\s*=\s*["'][^"']*\bgovuk-visually-hidden\b[^>]*>.*?</\1\s*>""", re.DOTALL
)
_ANY_TAG = re.compile(r"<[^>]*>")


def _attrs(text: str) -> dict[str, str]:
    return {m[1].lower(): unescape(m[2] or m[3] or m[4] or "") for m in _ATTR.finditer(text)}


def _span(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


def _words(inner_html: str) -> str:
    """What a header cell says on screen: its text without its visually hidden parts."""
    return " ".join(unescape(_ANY_TAG.sub(" ", _HIDDEN.sub(" ", inner_html))).split())


@dataclass
class _Table:
    cards: bool
    section: str = ""  # thead, tbody, tfoot, or "" for rows straight in the table
    headers: list[str] = field(default_factory=list)  # of the header's last row, escaped
    column: int = 0  # in the current body row
    header_at: int = -1  # where the header cell being read starts (-1: none)
    span: int = 1  # its colspan


def label_cells(html: str) -> str:
    """`html` with every body cell of its `cshub-cards` tables labelled with its column."""
    if CLASS not in html:
        return html
    tables: list[_Table] = []
    parts: list[str] = []
    done = 0  # copied up to
    for match in _TAG.finditer(html):
        closing, tag = bool(match[1]), match[2].lower()
        if tag == "table":
            if closing:
                if tables:
                    tables.pop()
            else:
                tables.append(_Table(cards=CLASS in _attrs(match[3]).get("class", "").split()))
            continue
        if not tables or not tables[-1].cards:
            continue
        table = tables[-1]
        if closing:
            if tag in ("th", "td") and table.header_at >= 0:
                table.headers += [escape(_words(html[table.header_at : match.start()]))] * table.span
                table.header_at = -1
            elif tag in ("thead", "tbody", "tfoot"):
                table.section = ""
            continue
        if tag in ("thead", "tbody", "tfoot"):
            table.section = tag
        elif tag == "tr":
            table.column = 0
            if table.section == "thead":
                table.headers = []
        elif table.section == "thead":  # a header cell: its words are read at its end
            table.header_at, table.span = match.end(), _span(_attrs(match[3]).get("colspan"))
        elif table.section != "tfoot":
            attrs = _attrs(match[3])
            label = table.headers[table.column] if table.column < len(table.headers) else ""
            table.column += _span(attrs.get("colspan"))
            if "data-label" in attrs or (tag == "th" and attrs.get("scope") == "row") or not label:
                continue
            at = match.start() + 1 + len(tag)
            parts += [html[done:at], f' data-label="{label}"']
            done = at
    parts.append(html[done:])
    return "".join(parts)
