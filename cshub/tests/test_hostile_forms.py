"""A crawl of every form with hostile values: no input gives a 500 (issue 12).

For every URL pattern (the access matrix's URLs), a team manager and a practitioner open
the page, and every form on it is read from the HTML (its action, method, fields and the
values the page gives them). Each form is then submitted:

- with each hostile value in every field, plus nested and odd field names;
- the same, keeping the page's hidden fields and buttons (which item, which rule), so the
  values reach the form behind them;
- filled in plausibly, with one field at a time hostile (a date as a whole: year 0001, 9999,
  or past 64 bits), so a value that passes the form reaches the action and the database.

Whatever the page says, it must not be a server error. Every URL with an id is also opened
with an id past 64 bits."""

import datetime as dt
import uuid
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, urljoin

import pytest
from django.urls import URLResolver, get_resolver, reverse

from cshub.tests.test_url_access import EXPECTED, URL_NAMES, _url

HOSTILE: list[tuple[str, bytes]] = [
    ("huge int", b"99999999999999999999"),
    ("huge negative", b"-99999999999999999999"),
    ("negative", b"-1"),
    ("not a number", b"1e5"),
    ("superscript digit", "²".encode()),
    ("long text", b"x" * 10_000),
    ("NUL byte", b"a\x00b"),
    ("invalid UTF-8", b"\xed\xa0\x80\xff"),
    ("script", b"<script>alert(1)</script>"),
    ("year 0001", b"0001-01-01"),
    ("empty", b""),
]
# One field at a time, the rest filled in plausibly.
ONE_FIELD: list[tuple[str, bytes]] = [
    ("huge int", b"99999999999999999999"),
    ("big int", b"2147483648"),
    ("negative", b"-1"),
    ("NUL byte", b"a\x00b"),
    ("invalid UTF-8", b"\xed\xa0\x80\xff"),
]
DATES: list[tuple[str, tuple[bytes, bytes, bytes]]] = [
    ("year 0001", (b"1", b"1", b"0001")),
    ("year 9999", (b"31", b"12", b"9999")),
    ("huge day", (b"99999999999999999999", b"1", b"2026")),
]
DATE_PARTS = ("_day", "_month", "_year")
# Never submitted: they end the session the crawl is using.
SKIP_ACTIONS = ("/sign-out/", "/account/sign-out-everywhere/")


class _Forms(HTMLParser):
    """Each form: action, method, field names in order, the page's values, and which fields
    the page fixes (hidden inputs, buttons) or offers as choices (select, radio, checkbox)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def _add(self, name: str, kind: str, value: str | None) -> None:
        form = self.forms[-1]
        if name == "csrfmiddlewaretoken":
            return
        if name not in form["fields"]:
            form["fields"].append(name)
            form["kind"][name] = kind
        if value is not None and name not in form["page"]:
            form["page"][name] = value.encode()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "action": a.get("action") or "",
                    "method": (a.get("method") or "get").lower(),
                    "fields": [],
                    "kind": {},
                    "page": {},
                }
            )
            return
        if not self.forms:
            return
        name = a.get("name")
        if tag == "option" and self._select is not None:
            value = a.get("value")
            if value and "selected" in a:
                self.forms[-1]["page"][self._select] = value.encode()
            elif value:
                self.forms[-1]["page"].setdefault(self._select, value.encode())
            return
        if not name:
            return
        if tag == "select":
            self._select = name
            self._add(name, "choice", None)
        elif tag == "textarea":
            self._textarea = name
            self._add(name, "text", None)
        elif tag == "button":
            self._add(name, "fixed", a.get("value") or "")
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind == "hidden":
                self._add(name, "fixed", a.get("value") or "")
            elif kind in ("radio", "checkbox"):
                self._add(name, "choice", a.get("value") if (kind == "radio" or "checked" in a) else None)
            elif kind in ("submit", "file"):
                self._add(name, "fixed", a.get("value") or "")
            else:
                self._add(name, "text", a.get("value"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None and data.strip() and self.forms:
            self.forms[-1]["page"].setdefault(self._textarea, data.strip().encode())


def _forms(html: str) -> list[dict[str, Any]]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def _encode(pairs: list[tuple[str, bytes]]) -> bytes:
    return b"&".join(quote(name).encode() + b"=" + quote(v, safe="").encode() for name, v in pairs)


def _date_value(field: str, value: bytes, kind: str) -> bytes:
    if kind == "year 0001":  # a whole date, in the three GOV.UK boxes
        for n, suffix in enumerate(DATE_PARTS):
            if field.endswith(suffix):
                return (b"1", b"1", b"0001")[n]
    return value


def _all_hostile(form: dict[str, Any], kind: str, value: bytes, keep_fixed: bool) -> bytes:
    fields = form["fields"]
    pairs = [
        (
            f,
            form["page"].get(f, b"")
            if keep_fixed and form["kind"][f] == "fixed"
            else _date_value(f, value, kind),
        )
        for f in fields
    ]
    # Nested and odd field names: they must be ignored, not trip a parser.
    pairs += [(f"{fields[0] if fields else 'x'}[0][a]", value), ("a.b.c", value), ("", value)]
    return _encode(pairs)


def _plausible(form: dict[str, Any]) -> dict[str, bytes]:
    """Every field filled in as a careful user would: the page's value, else a plain one."""
    today = dt.date.today() - dt.timedelta(days=1)  # noqa: DTZ011
    values: dict[str, bytes] = {}
    for f in form["fields"]:
        if f in form["page"] and form["page"][f]:
            values[f] = form["page"][f]
        elif f.endswith(DATE_PARTS):
            part = next(n for n, suffix in enumerate(DATE_PARTS) if f.endswith(suffix))
            values[f] = str((today.day, today.month, today.year)[part]).encode()
        elif "time" in f:
            values[f] = b"09:30"
        elif form["kind"][f] == "text":
            values[f] = b"3"
    return values


def _one_field_bodies(form: dict[str, Any]) -> list[tuple[str, bytes]]:
    base = _plausible(form)
    bodies: list[tuple[str, bytes]] = []
    dates = sorted({f[: -len(s)] for f in form["fields"] for s in DATE_PARTS if f.endswith(s)})
    for prefix in dates:
        for kind, parts in DATES:
            values = {**base, **{prefix + s: p for s, p in zip(DATE_PARTS, parts, strict=True)}}
            bodies.append((f"{prefix} {kind}", _encode(list(values.items()))))
    for f in form["fields"]:
        if form["kind"][f] != "text" or f.endswith(DATE_PARTS):
            continue
        for kind, value in ONE_FIELD:
            bodies.append((f"{f} {kind}", _encode(list({**base, f: value}.items()))))
    return bodies


def _submit(client: Any, page: str, form: dict[str, Any]) -> list[str]:
    action = urljoin(page, form["action"]) if form["action"] else page
    if action.startswith(SKIP_ACTIONS) or action.startswith("http"):
        return []
    bodies = [(f"{kind} everywhere", _all_hostile(form, kind, value, False)) for kind, value in HOSTILE]
    if any(k == "fixed" for k in form["kind"].values()):
        bodies += [
            (f"{kind}, page's hidden fields", _all_hostile(form, kind, v, True)) for kind, v in HOSTILE
        ]
    bodies += _one_field_bodies(form)
    failures = []
    for what, body in bodies:
        if form["method"] == "post":
            response = client.post(action, body, content_type="application/x-www-form-urlencoded")
        else:
            response = client.get(f"{action}?{body.decode()}")
        if response.status_code >= 500:
            failures.append(f"{form['method'].upper()} {action} with {what}: {response.status_code}")
    return failures


# What POST-only views read (their forms live on another page, whose crawl posts them too).
_POST_ONLY: dict[str, Any] = {
    "action": "",
    "method": "post",
    "fields": ["direction", "significant", "decision", "reason", "override_reason", "person", "rule"],
    "kind": dict.fromkeys(
        ["direction", "significant", "decision", "reason", "override_reason", "person", "rule"], "text"
    ),
    "page": {},
}
PAGES = [n for n in URL_NAMES if not n.startswith("api:")]


@pytest.mark.parametrize("name", PAGES)
def test_no_form_gives_a_server_error(name: str, hub: dict[str, Any], client_for: Any) -> None:
    failures: list[str] = []
    for role in ("team_manager", "practitioner"):
        client = client_for(role)
        client.raise_request_exception = False
        page = _url(name, hub)
        response = client.get(page)
        assert response.status_code < 500, f"{role} GET {page}: {response.status_code}"
        if response.status_code == 405:  # a POST-only URL: its form is on another page
            failures += [f"{role}: {f}" for f in _submit(client, page, _POST_ONLY)]
            continue
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for form in _forms(response.content.decode()):
            failures += [f"{role}: {f}" for f in _submit(client, page, form)]
    assert not failures, "\n".join(failures)


def _routes_by_converter() -> dict[str, set[str]]:
    """Each named URL's converters ("int", "uuid", …) by its namespaced name."""
    found: dict[str, set[str]] = {}

    def walk(patterns: list[Any], namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                inner = (
                    f"{namespace}:{p.namespace}" if namespace and p.namespace else p.namespace or namespace
                )
                walk(p.url_patterns, inner)
            elif p.name:
                kinds = {
                    type(c).__name__.removesuffix("Converter").lower() for c in p.pattern.converters.values()
                }
                found[f"{namespace}:{p.name}" if namespace else p.name] = kinds

    walk(get_resolver().url_patterns, "")
    return found


CONVERTERS = _routes_by_converter()


@pytest.mark.parametrize(
    "name", [n for n in URL_NAMES if EXPECTED[n][0] and "uuid" not in CONVERTERS.get(n, set())]
)
def test_an_id_past_64_bits_is_not_a_server_error(name: str, hub: dict[str, Any], client_for: Any) -> None:
    client = client_for("team_manager")
    client.raise_request_exception = False
    url = reverse(name, kwargs=dict.fromkeys(EXPECTED[name][0], 99999999999999999999))
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code < 500, f"{method.__name__.upper()} {url}: {response.status_code}"


@pytest.mark.parametrize(
    "name", [n for n in URL_NAMES if EXPECTED[n][0] and "uuid" in CONVERTERS.get(n, set())]
)
def test_an_unknown_uuid_is_not_found(name: str, hub: dict[str, Any], client_for: Any) -> None:
    client = client_for("team_manager")
    client.raise_request_exception = False
    url = reverse(name, kwargs=dict.fromkeys(EXPECTED[name][0], uuid.uuid4()))
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 404, f"{method.__name__.upper()} {url}: {response.status_code}"
