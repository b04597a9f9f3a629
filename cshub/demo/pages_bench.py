"""`cshub bench pages`: signed-in users browsing every main page at once, against the
production server (`cshub serve`, gunicorn) on 127.0.0.1, at hub or region scale.

1. The history: `cshub bench metrics`' synthetic history (cshub/demo/bench.py) imported
   through the importer, then the demo's city hub made through the actions
   (cshub/demo/generator.py): the demo accounts of every role, their caseloads, today's
   daily meeting, restricted records and their grants, intelligence, missing episodes
   waiting for a return interview. The pages have content, and the history's size weighs
   on every query as a region's would.
2. Sessions: each virtual user has a session of its own for each persona, made in the
   session store as the tests make them (`access.testing.sign_in_verified`: a confirmed
   TOTP device and its id in the session, as after both sign-in steps) and sent as a
   cookie. Nothing in the server is relaxed for the bench: it runs with production settings
   (no CSHUB_DEMO, so no account skips the second factor), over plain HTTP on loopback only.
3. `cshub serve` on a free port of 127.0.0.1, as a council would run it.
4. Each page once, one after the other (its status, and its time as the run's first view),
   then N users for S seconds: each user goes round the pages in turn, from its own
   starting point, with a think time between pages (uniform between half and one and a half
   times --think; 0 for none), so every page is asked for about equally often.
5. Per page: requests, errors (anything but the page: a status other than 200, a redirect
   to sign-in, a time-out), p50, p95, max (nearest rank, milliseconds, from sending the
   request to the last byte of the answer); overall; the machine's load average.

The load generator is threads and the standard library's http.client (no dependency):
each user is a thread that sends a request and waits for the whole answer, which is what
a person's browser does; the threads spend their time waiting on sockets, so 20 of them
cost the machine little beside the server. Results are this run's, on a machine that may
be shared: read the load average beside them.
"""

import http.client
import os
import random
import secrets
import statistics
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cshub.access import cookies
from cshub.access.models import User
from cshub.access.testing import sign_in_verified
from cshub.casework.models import Episode
from cshub.core.management.commands.serve import default_workers
from cshub.core.served import ServedProcess, database_url, production_env
from cshub.demo.bench import SCALES, Scale, generate
from cshub.demo.generator import HubGenerator
from cshub.demo.pages_report import Row, Run, report, update_docs
from cshub.interchange.importer import run_import
from cshub.interchange.models import ImportRun
from cshub.meetings.models import Meeting

SOURCE = "pages benchmark"  # the history's import, named by its scale

# The tiny scale is for the bench's own test: a hub of a few children.
PAGE_SCALES: dict[str, Scale] = {"tiny": Scale(1, 1, children=40, referrals=15, workers=3), **SCALES}
# The demo hub on top: (years, referrals a year), as `cshub demo` makes it at hub and region scale.
DEMO_HUB = {"tiny": (1, 20)}


@dataclass(frozen=True)
class Page:
    name: str
    persona: str  # a demo account's username
    path: str  # may name {child} or {meeting}
    post: bool = False


PAGES = [
    Page("Home: practitioner", "practitioner", "/"),
    Page("Home: team manager", "manager", "/"),
    Page("Home: missing-service worker", "missing", "/"),
    Page("Home: analyst", "analyst", "/"),
    Page("Home: strategic lead", "lead", "/"),
    Page("Home: system administrator (users)", "admin", "/users/"),  # "/" sends them here
    Page("Find a child (search)", "practitioner", "/children/", post=True),
    Page("A child's page", "practitioner", "/children/{child}/"),
    Page("A child's timeline", "practitioner", "/children/{child}/timeline/"),
    Page("A child's chronology", "practitioner", "/children/{child}/chronology/"),
    Page("My caseload", "practitioner", "/caseload/"),
    Page("Team caseload", "manager", "/caseload/team/"),
    Page("Return-interview queue", "missing", "/missing/return-interviews/"),
    Page("Missing panel", "manager", "/missing/panel/"),
    Page("Referrals awaiting a decision", "manager", "/referrals/"),
    Page("Consultations", "practitioner", "/consultations/"),
    Page("Whole-area register", "practitioner", "/register/"),
    Page("Not known to the hub", "manager", "/register/triage/"),
    Page("Today's meeting", "manager", "/meetings/{meeting}/"),
    Page("Performance dashboard", "analyst", "/performance/"),
    Page("Intelligence dashboard", "manager", "/intelligence/"),
    Page("Imports", "manager", "/imports/"),
    Page("API: children (list)", "practitioner", "/api/v1/children/"),
]
PERSONAS = sorted({p.persona for p in PAGES})


@dataclass
class Cast:
    """What the users ask for: the children on the practitioner's caseload (their pages,
    their names for the search) and today's meeting."""

    children: list[int]
    names: list[str]
    meeting: int
    rows_imported: int
    build_seconds: float


@dataclass
class Sample:
    page: str
    ms: float
    ok: bool
    status: int | None


def nearest_rank(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(-(-q * len(ordered) // 1)) - 1))]


# --- The data -------------------------------------------------------------------------


def build(scale_name: str, say: Callable[[str], None] = print, seed: int = 2026) -> Cast:
    """The demo hub made, the history imported; what the users will ask for."""
    began = time.perf_counter()
    scale = PAGE_SCALES[scale_name]
    # The demo hub first, as `cshub demo` does: its generator works on every open episode.
    years, referrals = DEMO_HUB.get(scale_name, (2, 240))
    summary = HubGenerator(seed=seed, years=years, referrals_per_year=referrals).run()
    say(
        f"Made the demo hub: {summary.people} children, {summary.referrals} referrals, {summary.episodes} episodes"
    )
    with tempfile.TemporaryDirectory() as tmp:
        rows = generate(Path(tmp), scale)
        reverse("casework:episode", args=[0])  # load the URLs now, as a running server has
        result = run_import(Path(tmp), actor=None, source=f"{SOURCE} {scale_name}")
    if not result.ok:
        raise RuntimeError("; ".join(str(e) for e in result.errors[:5]))
    say(f"Imported {rows:,} rows of history ({scale.hubs} hub(s) x {scale.years} years)")
    return cast(rows, time.perf_counter() - began)


def built_scale() -> str | None:
    """The scale an earlier run built into this database (None: no bench built it)."""
    run = ImportRun.objects.filter(source__startswith=SOURCE).order_by("pk").first()
    return run.source.removeprefix(SOURCE).strip() if run else None


def cast(rows: int, seconds: float) -> Cast:
    """What the users ask for, from the database as the build left it."""
    practitioner = User.objects.get(username="practitioner")
    episodes = (
        Episode.objects.open()
        .filter(allocated_worker=practitioner, person__restricted=False)
        .select_related("person")
        .order_by("pk")
    )
    people = [e.person for e in episodes[:20]]
    if not people:
        raise RuntimeError("The demo hub gave the practitioner no open cases.")
    names = [f"{p.forename} {p.surname}" for p in people]
    # Today's daily meeting (the demo starts it); on a later day (--reuse), the last one.
    meeting = (
        Meeting.objects.filter(meeting_type__code="daily", date__lte=timezone.localdate())
        .order_by("-date", "-pk")
        .first()
    )
    if meeting is None:
        raise RuntimeError("The demo hub has no daily meeting.")
    return Cast(
        children=[p.pk for p in people],
        names=names,
        meeting=meeting.pk,
        rows_imported=rows,
        build_seconds=seconds,
    )


def sessions(users: int) -> list[dict[str, str]]:
    """For each virtual user, a session cookie per persona (made in the session store)."""
    accounts = {u.username: u for u in User.objects.filter(username__in=PERSONAS)}
    missing = sorted(set(PERSONAS) - accounts.keys())
    if missing:
        raise RuntimeError(f"No demo account for {', '.join(missing)}")
    return [
        {
            name: sign_in_verified(Client(), user, device_name="pages bench")
            .cookies[settings.SESSION_COOKIE_NAME]
            .value
            for name, user in accounts.items()
        }
        for _ in range(users)
    ]


# --- The load -------------------------------------------------------------------------


class Browser:
    """One virtual user: its sessions, a CSRF token of its own (Django accepts a token the
    client makes, in the cookie and the form), and the pages' values."""

    def __init__(self, port: int, cookies: dict[str, str], cast: Cast, rng: random.Random) -> None:
        self.port, self.cookies, self.cast, self.rng = port, cookies, cast, rng
        self.csrf = secrets.token_hex(16)

    def visit(self, page: Page, timeout: float = 60) -> Sample:
        path = page.path.format(child=self.rng.choice(self.cast.children), meeting=self.cast.meeting)
        headers = {"Cookie": f"{cookies.CSRF}={self.csrf}; {cookies.SESSION}={self.cookies[page.persona]}"}
        body = None
        if page.post:
            body = urllib.parse.urlencode(
                {"name": self.rng.choice(self.cast.names), "csrfmiddlewaretoken": self.csrf}
            )
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        began = time.perf_counter()
        status: int | None = None
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
            try:
                conn.request("POST" if page.post else "GET", path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            finally:
                conn.close()
        except OSError:
            status = None
        ms = (time.perf_counter() - began) * 1000
        return Sample(page.name, ms, status == 200, status)


ALONE = 3


def first_views(browser: Browser, pages: list[Page]) -> dict[str, Sample]:
    """Each page once, in turn."""
    return {page.name: browser.visit(page) for page in pages}


def alone(browser: Browser, pages: list[Page]) -> dict[str, list[Sample]]:
    """Each page ALONE times, one user, nobody else asking: what a page costs by itself."""
    return {page.name: [browser.visit(page) for _ in range(ALONE)] for page in pages}


def workers_cpu_seconds(master: int) -> float:
    """User and system CPU time of the server's workers so far: those alive (the master's
    children) and those it has replaced (its children's times, counted when reaped)."""
    tick = os.sysconf("SC_CLK_TCK")
    master_fields = Path(f"/proc/{master}/stat").read_text().rsplit(")", 1)[1].split()
    total = int(master_fields[13]) + int(master_fields[14])  # cutime, cstime
    for children in Path(f"/proc/{master}/task").glob("*/children"):
        for pid in children.read_text().split():
            with suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def load(
    browsers: list[Browser], pages: list[Page], seconds: float, think: float, seed: int = 1
) -> tuple[list[Sample], float, list[float]]:
    """Every browser goes round the pages until the time is up; the samples, the time the
    load took (to the last answer) and the 1-minute load averages seen every second."""
    samples: list[Sample] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    done = threading.Event()
    loads: list[float] = []

    def user(n: int, browser: Browser) -> None:
        rng = random.Random(seed * 1000 + n)  # nosec B311 # seeded generator of synthetic data, never for security
        turn = n * len(pages) // len(browsers)
        while time.monotonic() < deadline:
            sample = browser.visit(pages[turn % len(pages)])
            with lock:
                samples.append(sample)
            turn += 1
            if think:
                time.sleep(min(think * rng.uniform(0.5, 1.5), max(0.0, deadline - time.monotonic())))

    def watch() -> None:
        while not done.wait(1.0):
            loads.append(os.getloadavg()[0])

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    began = time.monotonic()
    threads = [threading.Thread(target=user, args=(n, b)) for n, b in enumerate(browsers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    done.set()
    watcher.join()
    return samples, elapsed, loads or [os.getloadavg()[0]]


def summarise(
    pages: list[Page], first: dict[str, Sample], by_itself: dict[str, list[Sample]], samples: list[Sample]
) -> tuple[list[Row], Row]:
    def row(name: str, persona: str, chosen: list[Sample], opening: Sample | None) -> Row:
        times = [s.ms for s in chosen]
        return Row(
            page=name,
            persona=persona,
            first_status=opening.status if opening else None,
            first_ms=opening.ms if opening else 0.0,
            alone_ms=statistics.median(s.ms for s in by_itself[name]) if name in by_itself else 0.0,
            requests=len(chosen),
            errors=sum(not s.ok for s in chosen),
            p50=nearest_rank(times, 0.50),
            p95=nearest_rank(times, 0.95),
            max=max(times, default=0.0),
        )

    rows = [row(p.name, p.persona, [s for s in samples if s.page == p.name], first[p.name]) for p in pages]
    overall = row("All pages", "", samples, None)
    overall.first_status = 200 if all(s.ok for s in first.values()) else None
    return rows, overall


def run_bench(
    *,
    scale: str,
    users: int,
    seconds: float,
    think: float,
    workers: int,
    label: str = "",
    log_dir: Path,
    reuse: bool = False,
    exclude: tuple[str, ...] = (),
    say: Callable[[str], None] = print,
) -> Run:
    """Build (or reuse what an earlier run built), serve, load, stop; the results."""
    pages = [p for p in PAGES if not any(e.lower() in p.name.lower() for e in exclude)]
    if not pages:
        raise RuntimeError("Every page is excluded.")
    if reuse:
        if not settings.DEMO:
            raise RuntimeError("Reuse a benchmark's database only with CSHUB_DEMO=1.")
        if built_scale() != scale:
            raise RuntimeError(
                f"This database does not hold a pages bench's {scale} scale (it holds: {built_scale()})."
            )
        the_cast = cast(0, 0.0)
        say("Reusing the data an earlier run built")
    else:
        the_cast = build(scale, say)
    cookies = sessions(users)
    url = database_url()
    vendor = vendor_name()
    connections.close_all()  # the server's workers have the database to themselves
    server = ServedProcess(
        production_env(url, settings.VAR_DIR, settings.SECRET_KEY), log_dir, workers=workers, access_log=False
    )
    server.start()
    say(f"cshub serve: {workers} workers on {server.url} (its log: {server.server_log})")
    try:
        browsers = [Browser(server.port, cookies[n], the_cast, random.Random(n + 1)) for n in range(users)]  # nosec B311 # seeded generator of synthetic data, never for security
        first = first_views(browsers[0], pages)
        say(f"First views done; {users} users for {seconds:g} s")
        assert server.process is not None
        cpu_before = workers_cpu_seconds(server.process.pid)
        samples, elapsed, loads = load(browsers, pages, seconds, think)
        cpu = workers_cpu_seconds(server.process.pid) - cpu_before
        by_itself = alone(browsers[0], pages)
    finally:
        server.stop()
    rows, overall = summarise(pages, first, by_itself, samples)
    seen = [*first.values(), *samples, *(s for group in by_itself.values() for s in group)]
    errors_seen = sorted({f"{s.page}: {s.status or 'no answer'}" for s in seen if not s.ok})
    return Run(
        vendor=vendor,
        scale=scale,
        users=users,
        seconds=seconds,
        think=think,
        workers=workers,
        label=label,
        excluded=tuple(p.name for p in PAGES if p not in pages),
        day=timezone.localdate(),
        rows=rows,
        overall=overall,
        requests_per_second=len(samples) / elapsed if elapsed else 0.0,
        load=(min(loads), sum(loads) / len(loads), max(loads)),
        cores=len(os.sched_getaffinity(0)),
        rows_imported=the_cast.rows_imported,
        server_cpu_ms=cpu * 1000 / len(samples) if samples else 0.0,
        errors_seen=errors_seen,
    )


def vendor_name() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    return "SQLite"


# --- The command (`cshub bench pages`, from cshub/demo/management/commands/bench.py) ---


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--users", type=int, default=20, help="pages: signed-in users at once")
    parser.add_argument("--seconds", type=float, default=60, help="pages: how long the users browse")
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="pages: seconds a user waits between pages, on average (0: none)",
    )
    parser.add_argument("--workers", type=int, default=default_workers(), help="pages: cshub serve's workers")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="pages: load the data an earlier run built into this database (to measure code before and after)",
    )
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="WORDS",
        help="pages: leave out the pages whose name has these words (e.g. performance); may be repeated",
    )


def command(options: dict[str, Any], say: Callable[[str], None]) -> None:
    if options["users"] < 1 or options["seconds"] <= 0 or options["think"] < 0 or options["workers"] < 1:
        raise CommandError(
            "Ask for 1 user or more, a time over 0 s, a think time of 0 s or more, 1 worker or more."
        )
    log_dir = Path(settings.VAR_DIR) / "bench-pages"
    log_dir.mkdir(parents=True, exist_ok=True)
    try:
        run = run_bench(
            scale=options["scale"],
            users=options["users"],
            seconds=options["seconds"],
            think=options["think"],
            workers=options["workers"],
            label=options["label"],
            log_dir=log_dir,
            reuse=options["reuse"],
            exclude=tuple(options["exclude"]),
            say=say,
        )
    except (RuntimeError, TimeoutError) as exc:
        raise CommandError(str(exc)) from exc
    for line in report(run):
        say(line)
    if not options["no_docs"]:
        update_docs(options["docs"], run)
        say(f"Written to {options['docs']}")
