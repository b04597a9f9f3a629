"""`cshub bench load`: `cshub bench pages` with writers. N clients (default 50) for S seconds
(default 60) against `cshub serve` on 127.0.0.1, each going round a mix of request kinds:

- reads: the main pages of `cshub bench pages` (pages_bench.PAGES), as their personas;
- police missing reports through the API (`POST /api/v1/missing-episodes/`, as the police
  officer): police references drawn from one pool shared by every client (one reference
  per client, each always about the same child), each report sent twice in a row, so the
  same reference arrives again, from the same client and from others at the same moment
  (it must stay one episode);
- meeting autosaves (`POST /meetings/items/<id>/autosave/`, as the team manager): each
  client autosaves one agenda item of today's meeting of its own, a new text each time;
- a case note added on a child's page (`POST /children/<id>/notes/new/`, as the practitioner);
- and an import on the side: `cshub import` of a small interchange set, in a process of its
  own, while the clients run.

Each acknowledged write is logged by its client: what it sent (a reference, a unique
marker in the text) and the id the server answered. Afterwards `check` reads the database:
duplicates (two episodes for one police reference, or two ids answered for it; a note's
marker in two notes), lost writes (an acknowledged write that is not in the database: an
id that does not exist, a note without its text, an agenda item whose minutes are not the
last text its client saw acknowledged), 5xx answers; and p95 per request kind.
"""

import datetime as dt
import http.client
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.db import connections
from django.test import Client as DjangoClient
from django.utils import timezone

from cshub.access import cookies
from cshub.access.models import User
from cshub.access.testing import sign_in_verified
from cshub.core.served import ServedProcess, database_url, production_env
from cshub.demo import pages_bench
from cshub.demo.bench import Scale, generate
from cshub.interchange.models import ImportRun
from cshub.meetings.models import AgendaItem
from cshub.missing.models import MissingEpisode
from cshub.notes.models import CaseNote

KINDS = ["read", "missing report", "meeting autosave", "case note"]
# Out of every 10 requests a client sends: 2 missing reports (a report, then the same
# report again), 6 reads, 1 autosave, 1 note. Every client starts with its report and its
# repeat, at about the same moment as the others.
MIX = [
    "missing report",
    "missing report",
    "read",
    "meeting autosave",
    "read",
    "case note",
    "read",
    "read",
    "read",
    "read",
]
SIDE_IMPORT = Scale(1, 1, children=30, referrals=10, workers=2)
SIDE_SOURCE = "load benchmark side import"


@dataclass(frozen=True)
class Write:
    """An acknowledged write, as its client logged it."""

    kind: str  # "missing report", "meeting autosave", "case note"
    key: str  # the police reference; the agenda item id; the note's marker
    sent: str  # what identifies what was sent: the reference; the minutes' text; the marker
    answered_id: int | None  # the id the server answered (the episode, the note); the item (None: an
    # autosave sent that got no answer)
    order: int = 0  # the client's own count: a later autosave of an item has a higher one


@dataclass
class Sample:
    kind: str
    ms: float
    status: int | None


@dataclass
class Findings:
    duplicates: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.duplicates or self.lost or self.server_errors)


def check(writes: list[Write], samples: list[Sample]) -> Findings:
    """What the database says about the acknowledged writes: duplicates, lost writes, 5xx."""
    found = Findings()
    for sample in samples:
        if sample.status is not None and sample.status >= 500:
            found.server_errors.append(f"{sample.kind}: {sample.status}")

    reports = [w for w in writes if w.kind == "missing report"]
    by_reference: dict[str, set[int | None]] = {}
    for w in reports:
        by_reference.setdefault(w.key, set()).add(w.answered_id)
    episodes: dict[str, list[int]] = {}
    for pk, reference in MissingEpisode.objects.filter(police_reference__in=list(by_reference)).values_list(
        "pk", "police_reference"
    ):
        episodes.setdefault(reference or "", []).append(pk)
    for reference, answered in sorted(by_reference.items()):
        held = episodes.get(reference, [])
        if len(held) > 1:
            found.duplicates.append(f"police reference {reference}: {len(held)} episodes")
        if len(answered) > 1:
            found.duplicates.append(f"police reference {reference}: answered as {len(answered)} episodes")
        for pk in sorted(a for a in answered if a is not None):
            if pk not in held:
                found.lost.append(f"police reference {reference}: episode {pk} answered, not in the database")

    notes = [w for w in writes if w.kind == "case note"]
    for w in notes:
        matching = list(CaseNote.objects.filter(body__contains=w.key).values_list("pk", flat=True))
        if len(matching) > 1:
            found.duplicates.append(f"case note {w.key}: {len(matching)} notes")
        if w.answered_id not in matching:
            found.lost.append(f"case note {w.key}: note {w.answered_id} answered, not in the database")

    # An item holds its last acknowledged text, or a text sent after it that got no answer
    # (a time-out: the server may still have saved it). Unanswered sends are logged with no id.
    autosaves = [w for w in writes if w.kind == "meeting autosave"]
    last: dict[int, Write] = {}
    for w in autosaves:
        item_id = int(w.key)
        if w.answered_id is not None and (item_id not in last or w.order > last[item_id].order):
            last[item_id] = w
    stored = dict(AgendaItem.objects.filter(pk__in=list(last)).values_list("pk", "discussion"))
    for item_id, w in sorted(last.items()):
        later = {u.sent for u in autosaves if u.key == w.key and u.answered_id is None and u.order > w.order}
        if stored.get(item_id) not in {w.sent, *later}:
            found.lost.append(f"agenda item {item_id}: its last acknowledged autosave is not what it holds")
    return found


# --- The clients ----------------------------------------------------------------------


@dataclass
class LoadCast:
    pages: pages_bench.Cast
    items: list[int]  # today's meeting's items: one per autosaving client


class Client:
    """One client: its sessions, its CSRF token, its references, its agenda item."""

    def __init__(
        self,
        n: int,
        port: int,
        cookies: dict[str, str],
        cast: LoadCast,
        *,
        clients: int,
        run_id: str,
        rng: random.Random,
    ) -> None:
        self.n, self.port, self.cookies, self.cast, self.rng = n, port, cookies, cast, rng
        self.browser = pages_bench.Browser(port, cookies, cast.pages, rng)
        self.csrf = self.browser.csrf
        children = cast.pages.children
        self.references = {f"LB{run_id}-{k}": children[k % len(children)] for k in range(clients)}
        self.last_reference = ""
        self.reports = 0
        self.item = cast.items[n] if n < len(cast.items) else None
        self.count = 0

    def _send(
        self, persona: str, path: str, body: str, content_type: str, timeout: float = 60
    ) -> tuple[int | None, dict[str, str], bytes]:
        headers = {
            "Cookie": f"{cookies.CSRF}={self.csrf}; {cookies.SESSION}={self.cookies[persona]}",
            "Content-Type": content_type,
            "X-CSRFToken": self.csrf,
        }
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
            try:
                conn.request("POST", path, body=body.encode(), headers=headers)
                response = conn.getresponse()
                return response.status, dict(response.getheaders()), response.read()
            finally:
                conn.close()
        except OSError:
            return None, {}, b""

    def missing_report(self) -> tuple[Sample, Write | None]:
        if self.reports % 2 == 0:  # a new report; the next one sends it again
            self.last_reference = self.rng.choice(sorted(self.references))
        self.reports += 1
        reference = self.last_reference
        reported = timezone.now() - dt.timedelta(hours=6)
        body = json.dumps(
            {
                "child": self.references[reference],
                "police_reference": reference,
                "reported_at": reported.isoformat(),
                "police_risk": self.rng.choice(["LOW", "MEDIUM", "HIGH"]),
                "circumstances": f"Load bench report, sent {self.count}",
            }
        )
        began = time.perf_counter()
        status, _, answer = self._send("police", "/api/v1/missing-episodes/", body, "application/json")
        ms = (time.perf_counter() - began) * 1000
        write = None
        if status in (200, 201):
            write = Write("missing report", reference, reference, int(json.loads(answer)["id"]), self.count)
        return Sample("missing report", ms, status), write

    def autosave(self) -> tuple[Sample, Write | None]:
        if self.item is None:
            return self.case_note()
        text = f"Discussed at load bench: client {self.n}, save {self.count} {secrets.token_hex(4)}"
        body = urllib.parse.urlencode({f"m{self.item}-discussion": text, f"m{self.item}-decision": ""})
        began = time.perf_counter()
        status, _, answer = self._send(
            "manager", f"/meetings/items/{self.item}/autosave/", body, "application/x-www-form-urlencoded"
        )
        ms = (time.perf_counter() - began) * 1000
        saved = status == 200 and json.loads(answer).get("saved")
        write = None
        if saved or status is None or status >= 500:  # no answer: logged without an id (it may be saved)
            write = Write("meeting autosave", str(self.item), text, self.item if saved else None, self.count)
        return Sample("meeting autosave", ms, status), write

    def case_note(self) -> tuple[Sample, Write | None]:
        child = self.rng.choice(self.cast.pages.children)
        marker = f"LBN{secrets.token_hex(8)}"
        now = timezone.localtime()
        body = urllib.parse.urlencode(
            {
                "kind": "CASE_DISCUSSION",
                "occurred_date_day": now.day,
                "occurred_date_month": now.month,
                "occurred_date_year": now.year,
                "occurred_time": f"{now:%H:%M}",
                "present": "",
                "body": f"Visited at home. Load bench note {marker}.",
                "csrfmiddlewaretoken": self.csrf,
            }
        )
        began = time.perf_counter()
        status, headers, _ = self._send(
            "practitioner", f"/children/{child}/notes/new/", body, "application/x-www-form-urlencoded"
        )
        ms = (time.perf_counter() - began) * 1000
        write = None
        location = headers.get("Location", "")
        if status == 302 and "/notes/" in location:
            write = Write(
                "case note", marker, marker, int(location.rstrip("/").rsplit("/", 1)[1]), self.count
            )
        return Sample("case note", ms, status), write

    def read(self) -> tuple[Sample, None]:
        page = pages_bench.PAGES[self.count % len(pages_bench.PAGES)]
        sample = self.browser.visit(page)
        return Sample("read", sample.ms, sample.status), None

    def step(self, kind: str) -> tuple[Sample, Write | None]:
        self.count += 1
        if kind == "missing report":
            return self.missing_report()
        if kind == "meeting autosave":
            return self.autosave()
        if kind == "case note":
            return self.case_note()
        return self.read()


# --- The run --------------------------------------------------------------------------


@dataclass
class LoadRun:
    vendor: str
    scale: str
    clients: int
    seconds: float
    workers: int
    samples: list[Sample]
    writes: list[Write]
    findings: Findings
    side_import: str
    load: tuple[float, float, float]
    elapsed: float
    day: dt.date = field(default_factory=timezone.localdate)

    def p95(self, kind: str) -> float:
        return pages_bench.nearest_rank([s.ms for s in self.samples if s.kind == kind], 0.95)


PERSONAS = sorted({*pages_bench.PERSONAS, "police"})


def sessions(clients: int) -> list[dict[str, str]]:
    """For each client, a session cookie per persona (the readers' and the police officer's)."""
    accounts = {u.username: u for u in User.objects.filter(username__in=PERSONAS)}
    if missing := sorted(set(PERSONAS) - accounts.keys()):
        raise RuntimeError(f"No demo account for {', '.join(missing)}")
    return [
        {
            name: sign_in_verified(DjangoClient(), user, device_name="load bench")
            .cookies[settings.SESSION_COOKIE_NAME]
            .value
            for name, user in accounts.items()
        }
        for _ in range(clients)
    ]


def side_import(env: dict[str, str], folder: Path, log: Path) -> subprocess.Popen[bytes]:
    generate(folder, SIDE_IMPORT, seed=20, last_year=2024)
    with log.open("w") as out:
        return subprocess.Popen(  # noqa: S603 - our own interpreter and command  # nosec B603
            [sys.executable, "-m", "cshub", "import", str(folder)],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def run_load(
    *,
    scale: str,
    clients: int,
    seconds: float,
    workers: int,
    log_dir: Path,
    say: Callable[[str], None] = print,
) -> LoadRun:
    cast = pages_bench.build(scale, say)
    items = list(
        AgendaItem.objects.filter(meeting_id=cast.meeting, removed_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    load_cast = LoadCast(cast, items)
    cookies = sessions(clients)
    url = database_url()
    vendor = pages_bench.vendor_name()
    imports_before = ImportRun.objects.count()
    connections.close_all()
    env = production_env(url, settings.VAR_DIR, settings.SECRET_KEY)
    server = ServedProcess(env, log_dir, workers=workers, access_log=False)
    server.start()
    say(f"cshub serve: {workers} workers on {server.url}; {clients} clients for {seconds:g} s")
    run_id = secrets.token_hex(3)
    samples: list[Sample] = []
    writes: list[Write] = []
    lock = threading.Lock()
    loads: list[float] = []
    unreadable: list[str] = []
    try:
        the_clients = [
            Client(
                n,
                server.port,
                cookies[n],
                load_cast,
                clients=clients,
                run_id=run_id,
                rng=random.Random(n + 1),  # nosec B311 # seeded generator of synthetic data, never for security
            )
            for n in range(clients)
        ]
        deadline = time.monotonic() + seconds

        def client(c: Client) -> None:
            turn = 0
            # At least one round of the mix, however slow the machine: every kind is tried.
            while time.monotonic() < deadline or turn < len(MIX):
                kind = MIX[turn % len(MIX)]
                try:
                    sample, write = c.step(kind)
                except Exception as exc:  # an answer the client could not read is a finding, not a crash
                    sample, write = Sample(kind, 0.0, None), None
                    with lock:
                        unreadable.append(f"{kind}: {type(exc).__name__}")
                turn += 1
                with lock:
                    samples.append(sample)
                    if write is not None:
                        writes.append(write)

        with tempfile.TemporaryDirectory() as tmp:
            began = time.monotonic()
            importer = side_import(env, Path(tmp), log_dir / "side-import.log")
            threads = [threading.Thread(target=client, args=(c,)) for c in the_clients]
            for thread in threads:
                thread.start()
            while any(t.is_alive() for t in threads):
                loads.append(os.getloadavg()[0])
                time.sleep(1.0)
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - began
            code = importer.wait(timeout=max(60.0, seconds * 10))
    finally:
        server.stop()
    connections.close_all()
    new_imports = list(ImportRun.objects.order_by("pk")[imports_before:])
    findings = check(writes, samples)
    findings.server_errors += [f"an answer the client could not read: {u}" for u in unreadable]
    outcome = f"`cshub import` exit status {code}, {len(new_imports)} import recorded"

    if code != 0 or not new_imports:
        findings.lost.append(f"the side import: {outcome} (see {log_dir / 'side-import.log'})")
    return LoadRun(
        vendor=vendor,
        scale=scale,
        clients=clients,
        seconds=seconds,
        workers=workers,
        samples=samples,
        writes=writes,
        findings=findings,
        side_import=outcome,
        load=(min(loads or [0.0]), sum(loads) / len(loads) if loads else 0.0, max(loads or [0.0])),
        elapsed=elapsed,
    )


def report(run: LoadRun) -> list[str]:
    lines = [
        f"{run.vendor}, {run.scale} scale, {run.clients} clients for {run.seconds:g} s, "
        f"{run.workers} workers, {run.day:%-d %B %Y}; load average {run.load[0]:.1f} to {run.load[2]:.1f} "
        f"(mean {run.load[1]:.1f}) on {len(os.sched_getaffinity(0))} cores",
        "",
        "| request kind | requests | acknowledged writes | 5xx | other errors | p50 ms | p95 ms | max ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind in KINDS:
        chosen = [s for s in run.samples if s.kind == kind]
        times = [s.ms for s in chosen]
        acked = sum(w.kind == kind and w.answered_id is not None for w in run.writes)
        server = sum(s.status is not None and s.status >= 500 for s in chosen)
        ok = {"read": (200,), "missing report": (200, 201), "meeting autosave": (200,), "case note": (302,)}[
            kind
        ]
        other = sum(s.status not in ok for s in chosen) - server
        lines.append(
            f"| {kind} | {len(chosen)} | {acked if kind != 'read' else '-'} | {server} | {other} | "
            f"{pages_bench.nearest_rank(times, 0.5):.0f} | {pages_bench.nearest_rank(times, 0.95):.0f} | "
            f"{max(times, default=0):.0f} |"
        )
    references = {w.key for w in run.writes if w.kind == "missing report"}
    reports = sum(w.kind == "missing report" for w in run.writes)
    lines += [
        "",
        f"Requests: {len(run.samples)} in {run.elapsed:.0f} s ({len(run.samples) / run.elapsed:.1f}/s). "
        f"Police reports acknowledged: {reports} about {len(references)} references "
        f"({reports - len(references)} repeats). Agenda items autosaved: "
        f"{len({w.key for w in run.writes if w.kind == 'meeting autosave'})} (one client each; clients "
        "without an item add a case note instead). "
        f"Side import: {run.side_import}.",
        f"Duplicates: {len(run.findings.duplicates)}. Lost writes: {len(run.findings.lost)}. "
        f"5xx: {len(run.findings.server_errors)}.",
    ]
    lines += [
        f"- {line}"
        for line in (run.findings.duplicates + run.findings.lost + run.findings.server_errors)[:20]
    ]
    return lines


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--clients", type=int, default=50, help="load: clients at once")


def command(options: dict[str, Any], say: Callable[[str], None]) -> None:
    if options["clients"] < 1 or options["seconds"] <= 0 or options["workers"] < 1:
        raise CommandError("Ask for 1 client or more, a time over 0 s, 1 worker or more.")
    log_dir = Path(settings.VAR_DIR) / "bench-load"
    log_dir.mkdir(parents=True, exist_ok=True)
    try:
        run = run_load(
            scale=options["scale"],
            clients=options["clients"],
            seconds=options["seconds"],
            workers=options["workers"],
            log_dir=log_dir,
            say=say,
        )
    except (RuntimeError, TimeoutError) as exc:
        raise CommandError(str(exc)) from exc
    for line in report(run):
        say(line)
    if not run.findings.clean:
        raise CommandError("Under load: duplicates, lost writes or 5xx (above).")
