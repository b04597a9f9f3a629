"""The report of `cshub bench pages` (cshub/demo/pages_bench.py): its results per page,
as lines of Markdown, and its section of docs/performance.md."""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

SECTION = "## Pages under load (issue 17)"
GOAL_MS = 300
INTRO = """`cshub bench pages --scale hub|region` (`cshub/demo/pages_bench.py`) makes the
demo's city hub through the actions (the accounts of every role with caseloads, today's
meeting, restricted records, intelligence, returns waiting for an interview), imports the
history of `cshub bench metrics` beside it, starts `cshub serve` (gunicorn, production
settings, default workers) on 127.0.0.1, and has N signed-in users (default 20) go round
every main page for S seconds (default 60), each from its own starting page, waiting a think
time between pages (default 1 s on average, uniform between 0.5 and 1.5 s; `--think 0` for
none). Each user has its own sessions, made in the session store (a confirmed TOTP device in
the session, as after both sign-in steps), so nothing in the server is relaxed for the bench.
Times are from sending the request to the last byte of the answer; p50 and p95 are
nearest-rank. "first" is the page's first view of the run (one user, before the load; a
worker may be new); "alone" the median of 3 views by one user after the load, nobody else
asking (what the page costs by itself on this machine, as loaded as it is). An error is
anything but the page: a status other than 200 (a redirect to sign-in too), no answer.
The server's CPU per request is its workers' user and system time during the load over the
requests answered. Goal: every page p95 under 300 ms at region scale, no errors.

Run it on an empty database (`CSHUB_DEMO=1`, a new `CSHUB_VAR_DIR`, or an empty
PostgreSQL database in `DATABASE_URL`); `--reuse` loads the data an earlier run built into
the same database again (to measure code before and after a change on the same data, in
turn), `--exclude WORDS` leaves out pages by name (e.g. `--exclude performance`).
"""


@dataclass
class Row:
    page: str
    persona: str
    first_status: int | None
    first_ms: float
    alone_ms: float  # one user alone, after the load: the median of ALONE views
    requests: int
    errors: int
    p50: float
    p95: float
    max: float


@dataclass
class Run:
    vendor: str
    scale: str
    users: int
    seconds: float
    think: float
    workers: int
    label: str
    excluded: tuple[str, ...]
    day: dt.date
    rows: list[Row]
    overall: Row
    requests_per_second: float
    load: tuple[float, float, float]  # the 1-minute load average during the load: min, mean, max
    cores: int
    rows_imported: int
    server_cpu_ms: float  # the workers' CPU time during the load, per request
    errors_seen: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        label = f", {self.label}" if self.label else ""
        without = f", without {', '.join(self.excluded)}" if self.excluded else ""
        return f"{self.vendor}, {self.scale} scale, {self.users} users, think time {self.think:g} s{without}{label}"


def _ms(value: float) -> str:
    return f"{value:,.0f}"


def report(run: Run) -> list[str]:
    missed = [r.page for r in run.rows if r.p95 >= GOAL_MS or r.errors]
    lines = [
        f"### {run.title}, {run.day:%-d %B %Y}",
        "",
        (
            f"{run.rows_imported:,} rows of history"
            if run.rows_imported
            else "The history built by an earlier run"
        )
        + f" and the demo hub; `cshub serve` with {run.workers} workers; "
        f"{run.users} users for {run.seconds:g} s, think time {run.think:g} s; "
        f"{run.requests_per_second:.1f} requests/s; load average (1 minute) during the load "
        f"{run.load[0]:.1f} to {run.load[2]:.1f} (mean {run.load[1]:.1f}) on {run.cores} cores; "
        f"the server's workers used {run.server_cpu_ms:,.0f} ms of CPU per request on average "
        f"(so {run.cores} idle cores would serve at most {run.cores * 1000 / max(run.server_cpu_ms, 1):.0f} requests/s).",
        "",
        "| page | as | first (ms) | alone (ms) | requests | errors | p50 (ms) | p95 (ms) | max (ms) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in [*run.rows, run.overall]:
        first = (
            ""
            if r is run.overall
            else f"{_ms(r.first_ms)}"
            + ("" if r.first_status == 200 else f" ({r.first_status or 'no answer'})")
        )
        by_itself = "" if r is run.overall else _ms(r.alone_ms)
        p95 = _ms(r.p95) + (" **miss**" if r.p95 >= GOAL_MS else "")
        name = f"**{r.page}**" if r is run.overall else r.page
        lines.append(
            f"| {name} | {r.persona} | {first} | {by_itself} | {r.requests} | {r.errors} | {_ms(r.p50)} | {p95} | {_ms(r.max)} |"
        )
    lines.append("")
    if missed:
        lines.append(f"Pages that miss the goal (p95 under {GOAL_MS} ms, no errors): {', '.join(missed)}.")
    else:
        lines.append(f"Every page met the goal (p95 under {GOAL_MS} ms, no errors).")
    if run.errors_seen:
        lines.append("Errors: " + "; ".join(run.errors_seen) + ".")
    return lines


def update_docs(path: Path, run: Run) -> None:
    """This run's results in the "Pages under load" section, replacing an earlier run with
    the same title (database, scale, users, think time and label)."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    if SECTION not in text:
        text = text.rstrip("\n") + f"\n\n{SECTION}\n\n{INTRO}"
    start = f"<!-- pages bench: {run.title} -->"
    end = "<!-- /pages bench -->"
    block = "\n".join([start, *report(run), end])
    if start in text:
        before, _, rest = text.partition(start)
        _, _, after = rest.partition(end)
        text = before + block + after
    else:
        section_start = text.index(SECTION)
        following = text.find("\n## ", section_start + len(SECTION))
        if following == -1:
            text = text.rstrip("\n") + "\n\n" + block + "\n"
        else:
            text = text[:following].rstrip("\n") + "\n\n" + block + "\n" + text[following:]
    path.write_text(text, encoding="utf-8")
