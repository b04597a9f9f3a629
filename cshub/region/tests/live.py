"""Helpers of the live multi-instance tests: a region on loopback (cshub.region.instances),
a browser that signs in over HTTP, a proxy in front of the region that can tamper with or
replay what passes, and readers of each instance's own SQLite file."""

import http.client
import json
import secrets
import sqlite3
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from cshub.demo.accounts import DEMO_PASSWORD
from cshub.demo.region import HUBS, LINKAGE_SECRET, REGION_ID, REGION_NAME, key_of
from cshub.region.instances import Instance, Region, free_port

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "host", "content-length"}


def make_region(root: Path, hub_ids: tuple[str, ...]) -> Region:
    """The region and these demo hubs, each on a free loopback port under `root`."""
    instances = [Instance(REGION_ID, REGION_NAME, "region", free_port(), root / REGION_ID)]
    for spec in HUBS:
        if spec.hub_id in hub_ids:
            instances.append(
                Instance(spec.hub_id, spec.name, "hub", free_port(), root / spec.hub_id, spec.districts)
            )
    return Region(instances, linkage_secret=LINKAGE_SECRET)


def rows(instance: Instance, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Read an instance's own database (read-only: the server keeps writing to it)."""
    uri = f"file:{instance.database}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True, timeout=30)) as db:
        return list(db.execute(sql, params).fetchall())


def every_value(instance: Instance) -> Iterator[tuple[str, str, Any]]:
    """(table, column, value) for every column of every row of every table."""
    tables = [
        t for (t,) in rows(instance, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    ]
    for table in tables:
        columns = [c[1] for c in rows(instance, f'PRAGMA table_info("{table}")')]
        for row in rows(instance, f'SELECT * FROM "{table}"'):  # noqa: S608 # nosec B608 # the database's own table names
            for column, value in zip(columns, row, strict=True):
                yield table, column, value


def person_key_of_ref(instance: Instance) -> dict[str, str | None]:
    """A hub's linkage ref -> the shared person's key of its record (None: the hub's own)."""
    found: dict[str, str | None] = {}
    for ref, source in rows(
        instance,
        "SELECT r.ref, p.source_id FROM linkage_linkageref r "
        "LEFT JOIN intelligence_subject s ON s.id = r.subject_id "
        "JOIN people_person p ON p.id = COALESCE(r.person_id, s.person_id)",
    ):
        found[ref] = key_of(source) or f"own:{instance.hub_id}:{ref}"
    return found


def matches(instance: Instance) -> list[tuple[str, str, str]]:
    """(our ref, their hub id, their ref) of every match the region told this hub of."""
    return [
        (ours, hub, theirs)
        for ours, hub, theirs in rows(
            instance,
            "SELECT r.ref, p.hub_id, m.their_ref FROM crossborder_crossbordermatch m "
            "JOIN linkage_linkageref r ON r.id = m.ours_id JOIN region_peer p ON p.id = m.their_hub_id",
        )
    ]


def messages(instance: Instance, direction: str, status: str, kind: str | None = None) -> int:
    sql = "SELECT COUNT(*) FROM region_message WHERE direction = ? AND status = ?"
    params: list[str] = [direction, status]
    if kind:
        sql += " AND kind = ?"
        params.append(kind)
    return int(rows(instance, sql, *params)[0][0])


class Browser:
    """Someone signed in to one instance over HTTP (a demo account: no security code)."""

    def __init__(self, instance: Instance, username: str) -> None:
        self.instance = instance
        self.csrf = secrets.token_hex(16)
        status, headers, _ = self._send(
            "POST",
            "/sign-in/",
            urllib.parse.urlencode(
                {"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": self.csrf}
            ).encode(),
            {"Cookie": f"csrftoken={self.csrf}", "Content-Type": "application/x-www-form-urlencoded"},
        )
        session = [
            v.split(";")[0].split("=", 1)[1]
            for k, v in headers
            if k.lower() == "set-cookie" and v.startswith("sessionid=")
        ]
        assert status == 302 and session, f"{username} could not sign in to {instance.hub_id} ({status})"
        self.cookie = f"csrftoken={self.csrf}; sessionid={session[0]}"

    def _send(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, list[tuple[str, str]], str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.instance.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read().decode(errors="replace")
        finally:
            connection.close()

    def get(self, path: str) -> tuple[int, str]:
        status, _, text = self._send("GET", path, None, {"Cookie": self.cookie})
        return status, text


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int


@dataclass
class Proxy:
    """A man in the middle in front of one instance: passes requests on (and keeps them),
    or changes one byte of the next body ("tamper"), or sends the next request twice and
    answers with the second answer ("replay")."""

    target: Instance
    mode: str = "pass"
    seen: list[Seen] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def forward(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.target.port, timeout=60)
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def start(self) -> None:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                mode, proxy.mode = proxy.mode, "pass"
                if mode == "tamper":
                    body = tampered(body)
                status, answer = proxy.forward(self.path, headers, body)
                if mode == "replay":  # the first answer is the attacker's; the sender gets the second
                    proxy.seen.append(Seen(self.path, headers, body, status))
                    status, answer = proxy.forward(self.path, headers, body)
                proxy.seen.append(Seen(self.path, headers, body, status))
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, fmt: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def tampered(body: bytes) -> bytes:
    """The body changed after it was signed, still valid JSON: the first record's ref (or,
    with no records, one more field in the payload)."""
    message = json.loads(body)
    payload = message.setdefault("payload", {})
    records = payload.get("records") or []
    if records and isinstance(records[0], dict) and records[0].get("ref"):
        ref = records[0]["ref"]
        records[0]["ref"] = ref[:-1] + ("0" if ref[-1] != "0" else "1")
    else:
        payload["tampered"] = True
    return json.dumps(message).encode()


@contextmanager
def proxy_in_front_of(target: Instance) -> Iterator[Proxy]:
    proxy = Proxy(target)
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.stop()
