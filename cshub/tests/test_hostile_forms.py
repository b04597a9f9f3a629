"""A crawl of every form with hostile values: no input gives a 500 (issue 12).

For every URL pattern (the access matrix's URLs), a team manager and a practitioner open
the page, every form on it is read from the HTML (its action, method and field names) and
submitted with each hostile value in every field, plus nested field names. Whatever the
page says, it must not be a server error."""

from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, urljoin

import pytest

from cshub.tests.test_url_access import URL_NAMES, _url

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
# Never submitted: they end the session the crawl is using.
SKIP_ACTIONS = ("/sign-out/", "/account/sign-out-everywhere/")


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "action": a.get("action") or "",
                    "method": (a.get("method") or "get").lower(),
                    "fields": [],
                    "kept": {},
                }
            )
        elif tag in ("input", "textarea", "select", "button") and self.forms and a.get("name"):
            name = a["name"]
            assert name is not None
            if name != "csrfmiddlewaretoken" and name not in self.forms[-1]["fields"]:
                self.forms[-1]["fields"].append(name)
                if tag == "button" or a.get("type") == "hidden":
                    self.forms[-1]["kept"][name] = (a.get("value") or "").encode()


def _forms(html: str) -> list[dict[str, Any]]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def _value_for(field: str, value: bytes, kind: str) -> bytes:
    if kind == "year 0001":  # a whole date, in the three GOV.UK boxes or one field
        if field.endswith(("_0", "_day")):
            return b"1"
        if field.endswith(("_1", "_month")):
            return b"1"
        if field.endswith(("_2", "_year")):
            return b"0001"
    return value


def _body(fields: list[str], kind: str, value: bytes, kept: dict[str, bytes]) -> bytes:
    pairs = [(f, kept[f] if f in kept else _value_for(f, value, kind)) for f in fields]
    # Nested and odd field names: they must be ignored, not trip a parser.
    pairs += [(f"{fields[0] if fields else 'x'}[0][a]", value), ("a.b.c", value), ("", value)]
    return b"&".join(quote(name).encode() + b"=" + quote(v, safe="").encode() for name, v in pairs)


def _submit(client: Any, page: str, form: dict[str, Any]) -> list[str]:
    action = urljoin(page, form["action"]) if form["action"] else page
    if action.startswith(SKIP_ACTIONS) or action.startswith("http"):
        return []
    failures = []
    # Every field hostile; then the hidden fields and buttons as the page gave them (which
    # item, which rule, which decision), so the hostile values reach the form behind them.
    keeps: list[dict[str, bytes]] = [{}, form["kept"]] if form["kept"] else [{}]
    for kept in keeps:
        for kind, value in HOSTILE:
            body = _body(form["fields"], kind, value, kept)
            if form["method"] == "post":
                response = client.post(action, body, content_type="application/x-www-form-urlencoded")
            else:
                response = client.get(f"{action}?{body.decode()}")
            if response.status_code >= 500:
                where = "hostile hidden fields" if not kept else "the page's hidden fields"
                failures.append(
                    f"{form['method'].upper()} {action} with {kind} ({where}): {response.status_code}"
                )
    return failures


@pytest.mark.parametrize("name", [n for n in URL_NAMES if not n.startswith("api:")])
def test_no_form_gives_a_server_error(name: str, hub: dict[str, Any], client_for: Any) -> None:
    failures: list[str] = []
    for role in ("team_manager", "practitioner"):
        client = client_for(role)
        client.raise_request_exception = False
        page = _url(name, hub)
        response = client.get(page)
        assert response.status_code < 500, f"{role} GET {page}: {response.status_code}"
        if response.status_code == 405:
            # A POST-only URL (its form is on another page): the same hostile values, with
            # the field names its views read.
            failures += [
                f"{role}: {f}"
                for f in _submit(
                    client, page, {"action": "", "method": "post", "fields": _POST_ONLY_FIELDS, "kept": {}}
                )
            ]
            continue
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for form in _forms(response.content.decode()):
            failures += [f"{role}: {f}" for f in _submit(client, page, form)]
    assert not failures, "\n".join(failures)


# What POST-only views read (their forms live on another page, whose crawl posts them too).
_POST_ONLY_FIELDS = ["direction", "significant", "decision", "reason", "override_reason", "person", "rule"]
