"""`cshub bench search --people N`: person search measured as a practitioner meets it.

The index is built through the importer from `names_realistic` people (person.csv with
their aliases in `csh_aliases`). Then queries, evenly over six kinds, each aimed at one
intended person: the exact name, one edit, two edits (a letter substituted, inserted,
deleted, or two letters swapped, in the forename or the surname), forename and surname
swapped, a recorded alias, and a nickname of the forename (the `nicknames` package's
hand-curated English nicknames) with the surname; half of each kind with the date of birth.

Each query is measured twice: the search function itself (`search_people`, the ranked
people) and the page (POST /children/ as a signed-in practitioner, the child links in page
order). Recall@10 counts a query as found when the intended person is in the first ten,
or, by issue 13's rule, when the query has no date of birth and its name is shared by more
than ten people (people with a name or alias of the same words in any order, typed, in the
whole index) and the intended person is among the exact matches offered: either shown
with only exact matches above it, or the first ten shown are all exact matches (the list
shows exact matches first, and there are more than ten). A person shown is an exact match when
one of their names or aliases has every word of the name ("Jay" is matched exactly by the
alias Jay and by Jay Allen; "John Smith" by John Paul Smith).

`search_function` and `search_page` are the only two places that know the engine's result
type and the page's markup."""

import csv
import datetime as dt
import math
import random
import re
import shutil
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import Client

from cshub.access.actions import create_user
from cshub.access.models import User
from cshub.access.testing import sign_in_verified
from cshub.demo.names_realistic import RealisticPerson, name_key, typed
from cshub.interchange.spec import BY_KEY
from cshub.people.models import Person

KINDS = ("exact", "one edit", "two edits", "swapped", "alias", "nickname")
TOP = 10
SHARED = 10  # a name shared by more than this many people, without a date of birth: see above
BENCH_USER = "bench.practitioner"


@dataclass(frozen=True)
class Query:
    kind: str
    text: str
    date_of_birth: dt.date | None
    target: int  # the intended person's index in the generated list (its id is "p<target>")
    name: tuple[str, ...]  # the intended name's key: the name or alias the query stands for


def write_people(folder: Path, people: Iterable[RealisticPerson]) -> int:
    """person.csv in the interchange format; the number of rows."""
    table = BY_KEY["person"]
    columns = [c.name for c in table.columns]
    rows = 0
    with (folder / table.filename).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for p in people:
            cells = {
                "pers_person_id": p.ident,
                "pers_forename": p.forename,
                "pers_surname": p.surname,
                "pers_dob": p.date_of_birth.isoformat(),
                "pers_sex": p.sex,
                "csh_person_type": "CHILD",
                "csh_aliases": ";".join(p.aliases),
            }
            writer.writerow([cells.get(name, "") for name in columns])
            rows += 1
    return rows


# --- queries ---------------------------------------------------------------------------------


def _nicknamer() -> Callable[[str], list[str]]:
    from nicknames import NickNamer

    namer = NickNamer()

    def of(forename: str) -> list[str]:
        """The forename's nicknames; not a name the list also has the other way round (it
        gives William as a nickname of Billy, and Billy as one of William: only Billy is)."""
        plain = typed(forename).lower()
        return sorted(
            n
            for n in namer.nicknames_of(plain)
            if n.isalpha() and len(n) >= 2 and n != plain and plain not in namer.nicknames_of(n)
        )

    return of


LETTERS = "abcdefghijklmnopqrstuvwxyz"


def edit(word: str, rng: random.Random) -> str:
    """One typing slip in a word: a letter substituted, inserted or deleted, or two
    neighbouring letters swapped; never the same word back."""
    lower = word.lower()
    for _ in range(20):
        operation = rng.choice(["substitute", "insert", "delete", "transpose"])
        i = rng.randrange(len(lower))
        if operation == "substitute":
            changed = lower[:i] + rng.choice(LETTERS.replace(lower[i], "")) + lower[i + 1 :]
        elif operation == "insert":
            changed = lower[:i] + rng.choice(LETTERS) + lower[i:]
        elif operation == "delete" and len(lower) > 2:
            changed = lower[:i] + lower[i + 1 :]
        elif operation == "transpose" and i + 1 < len(lower) and lower[i] != lower[i + 1]:
            changed = lower[:i] + lower[i + 1] + lower[i] + lower[i + 2 :]
        else:
            continue
        if changed != lower:
            return changed.capitalize()
    return word


def _edited(person: RealisticPerson, edits: int, rng: random.Random) -> str:
    forename, surname = typed(person.forename).split(), typed(person.surname).split()
    original = name_key(person.name)
    for _ in range(20):
        parts = [list(forename), list(surname)]
        for _ in range(edits):
            words = parts[rng.randrange(2)]
            w = rng.randrange(len(words))
            words[w] = edit(words[w], rng)
        text = " ".join(parts[0] + parts[1])
        if name_key(text) != original:
            return text
    return text


def make_queries(people: Sequence[RealisticPerson], count: int, *, seed: int = 1) -> list[Query]:
    """`count` queries, as evenly over KINDS as the count allows, each kind half with the
    date of birth (the first of each kind without), each aimed at one person."""
    rng = random.Random(f"queries/{seed}")  # nosec B311 # seeded generator of synthetic data, never for security
    nicknames_of = _nicknamer()
    with_alias = [i for i, p in enumerate(people) if p.aliases]
    queries: list[Query] = []
    for k, kind in enumerate(KINDS):
        for n in range(count // len(KINDS) + (1 if k < count % len(KINDS) else 0)):
            while True:
                i = rng.choice(with_alias) if kind == "alias" else rng.randrange(len(people))
                query = _query(kind, i, people[i], rng, nicknames_of)
                if query is not None:
                    break
            dob = people[i].date_of_birth if n % 2 else None
            queries.append(Query(kind, query[0], dob, i, query[1]))
    return queries


def _query(
    kind: str,
    i: int,
    p: RealisticPerson,
    rng: random.Random,
    nicknames_of: Callable[[str], list[str]],
) -> tuple[str, tuple[str, ...]] | None:
    """The text typed and the key of the name it stands for; None when this person cannot
    be looked for that way (a nickname query for a forename without nicknames)."""
    key = name_key(p.name)
    if kind == "exact":
        return typed(p.name), key
    if kind == "one edit":
        return _edited(p, 1, rng), key
    if kind == "two edits":
        return _edited(p, 2, rng), key
    if kind == "swapped":
        return typed(f"{p.surname} {p.forename}"), key
    if kind == "alias":
        alias = rng.choice(p.aliases)
        return typed(alias), name_key(alias)
    first, *rest = typed(p.forename).split()
    nicknames = nicknames_of(first)
    if not nicknames:
        return None
    return " ".join([rng.choice(nicknames).capitalize(), *rest, typed(p.surname)]), key


# --- measuring -------------------------------------------------------------------------------


def search_function(user: User, text: str, date_of_birth: dt.date | None) -> list[int]:
    """The search itself: the ids of the people it ranks, best first (all it returns)."""
    from cshub.people.search import search_people

    result = search_people(Person.objects.visible_to(user), text, date_of_birth=date_of_birth)
    return [m.person.pk for m in result]


CHILD_LINK = re.compile(r'href="/children/(\d+)/"')


def search_page(client: Client, text: str, date_of_birth: dt.date | None) -> list[int]:
    """The page: POST /children/ as the practitioner does; the children it links to, in page order."""
    data = {"name": text, "date_of_birth_day": "", "date_of_birth_month": "", "date_of_birth_year": ""}
    if date_of_birth is not None:
        data |= {
            "date_of_birth_day": str(date_of_birth.day),
            "date_of_birth_month": str(date_of_birth.month),
            "date_of_birth_year": str(date_of_birth.year),
        }
    response = client.post("/children/", data)
    if response.status_code != 200:
        raise RuntimeError(f"the search page answered {response.status_code}")
    page = response.content.decode()
    results = page[page.find('id="results"') :] if 'id="results"' in page else page
    return [int(pk) for pk in dict.fromkeys(CHILD_LINK.findall(results))]


def practitioner() -> User:
    """The benchmark's practitioner (a demo account: it cannot sign in with a password)."""
    user = User.objects.filter(username=BENCH_USER).first()
    if user is None:
        user = create_user(
            BENCH_USER,
            agency="SOCIAL_CARE",
            roles=["practitioner"],
            actor=None,
            first_name="Bench",
            last_name="Practitioner",
            is_demo=True,
        )
    return user


def signed_in(user: User) -> Client:
    """A session past both sign-in steps (password and security code)."""
    return sign_in_verified(Client(), user, device_name="bench")


@dataclass
class Outcome:
    query: Query
    function_ids: list[int]
    page_ids: list[int]
    function_ms: float
    page_ms: float
    function_found: bool = False
    page_found: bool = False


@dataclass
class Index:
    """What the scoring needs to know of the index: the database id of each generated
    person, and how many people have each name (their name or an alias)."""

    pk_of: dict[str, int]
    keys_of: Callable[[int], set[tuple[str, ...]]]
    shared: Counter[tuple[str, ...]] = field(default_factory=Counter)


def build_index(people: Sequence[RealisticPerson]) -> Index:
    pk_of = {
        str(ident): pk
        for ident, pk in Person.objects.filter(source_id__isnull=False).values_list("source_id", "pk")
    }
    ident_of = {pk: ident for ident, pk in pk_of.items()}
    shared: Counter[tuple[str, ...]] = Counter()
    for p in people:
        shared.update({name_key(p.name), *(name_key(a) for a in p.aliases)})

    def keys_of(pk: int) -> set[tuple[str, ...]]:
        ident = ident_of.get(pk)
        if ident is None or not ident.startswith("p"):
            return set()
        p = people[int(ident[1:])]
        return {name_key(p.name), *(name_key(a) for a in p.aliases)}

    return Index(pk_of, keys_of, shared)


def found(query: Query, ranked: list[int], index: Index, target_pk: int) -> bool:
    if target_pk in ranked[:TOP]:
        return True
    if query.date_of_birth is not None or index.shared[query.name] <= SHARED:
        return False
    words = set(query.name)
    exact = {pk for pk in ranked if any(words <= set(key) for key in index.keys_of(pk))}
    if target_pk in exact and all(pk in exact for pk in ranked[: ranked.index(target_pk)]):
        return True  # among the exact matches, which come first
    return len(ranked) >= TOP and all(pk in exact for pk in ranked[:TOP])


def run_queries(
    queries: Sequence[Query],
    people: Sequence[RealisticPerson],
    *,
    warm_up: Sequence[Query] = (),
    progress: Callable[[int], None] | None = None,
) -> list[Outcome]:
    user = practitioner()
    client = signed_in(user)
    index = build_index(people)
    for q in warm_up:  # caches filled, as on a server that has been running: not measured
        search_function(user, q.text, q.date_of_birth)
        search_page(client, q.text, q.date_of_birth)
    outcomes = []
    for q in queries:
        began = time.perf_counter()
        function_ids = search_function(user, q.text, q.date_of_birth)
        function_ms = (time.perf_counter() - began) * 1000
        began = time.perf_counter()
        page_ids = search_page(client, q.text, q.date_of_birth)
        page_ms = (time.perf_counter() - began) * 1000
        target_pk = index.pk_of[people[q.target].ident]
        outcome = Outcome(q, function_ids, page_ids, function_ms, page_ms)
        outcome.function_found = found(q, function_ids, index, target_pk)
        outcome.page_found = found(q, page_ids, index, target_pk)
        outcomes.append(outcome)
        if progress:
            progress(1)
    return outcomes


# --- reporting -------------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest rank: the smallest value with at least p of them at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)] if ordered else float("nan")


@dataclass(frozen=True)
class Row:
    kind: str
    queries: int
    recall_function: float
    recall_page: float
    function_p50: float
    function_p95: float
    page_p50: float
    page_p95: float


def _belongs(query: Query, group: str) -> bool:
    if group == "with date of birth":
        return query.date_of_birth is not None
    if group == "without date of birth":
        return query.date_of_birth is None
    return group in {"all", query.kind}


def summarise(outcomes: Sequence[Outcome]) -> list[Row]:
    rows = []
    for kind in [*KINDS, "with date of birth", "without date of birth", "all"]:
        these = [o for o in outcomes if _belongs(o.query, kind)]
        if not these:
            continue
        f_ms, p_ms = [o.function_ms for o in these], [o.page_ms for o in these]
        rows.append(
            Row(
                kind,
                len(these),
                sum(o.function_found for o in these) / len(these),
                sum(o.page_found for o in these) / len(these),
                percentile(f_ms, 0.5),
                percentile(f_ms, 0.95),
                percentile(p_ms, 0.5),
                percentile(p_ms, 0.95),
            )
        )
    return rows


@dataclass(frozen=True)
class Run:
    vendor: str
    people: int
    rows_imported: int
    import_seconds: float
    engine: str
    label: str
    day: dt.date
    rows: list[Row]

    @property
    def title(self) -> str:
        label = f" ({self.label})" if self.label else ""
        return f"{self.vendor}, {self.people:,} people, engine {self.engine}{label}"


def table(rows: Sequence[Row]) -> list[str]:
    lines = [
        "| query | n | recall@10 search | recall@10 page | search p50 | search p95 | page p50 | page p95 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.kind} | {r.queries} | {r.recall_function:.3f} | {r.recall_page:.3f} | "
            f"{r.function_p50:.0f} ms | {r.function_p95:.0f} ms | {r.page_p50:.0f} ms | {r.page_p95:.0f} ms |"
        )
    return lines


def misses(outcomes: Sequence[Outcome], people: Sequence[RealisticPerson], limit: int = 5) -> list[str]:
    """The queries the search itself missed (up to `limit` per kind), with what it showed
    first: synthetic names, for whoever works on the engine."""
    lines = []
    for kind in KINDS:
        missed = [o for o in outcomes if o.query.kind == kind and not o.function_found]
        for o in missed[:limit]:
            q, target = o.query, people[o.query.target]
            first = dict(Person.objects.filter(pk__in=o.function_ids[:3]).values_list("pk", "surname"))
            shown = ", ".join(str(first.get(pk, "?")) for pk in o.function_ids[:3]) or "nothing"
            dob = f" born {q.date_of_birth.isoformat()}" if q.date_of_birth else ""
            aliases = f" (also known as {'; '.join(target.aliases)})" if target.aliases else ""
            lines.append(
                f"Missed ({kind}): {q.text!r}{dob} for {target.name}{aliases}; "
                f"{len(o.function_ids)} results, first surnames: {shown}"
            )
    return lines


def report(run: Run) -> list[str]:
    rate = run.rows_imported / run.import_seconds if run.import_seconds else 0
    return [
        f"Database: {run.vendor}; {run.people:,} people; engine {run.engine}",
        f"Import: {run.rows_imported:,} person rows in {run.import_seconds:.1f} s = {rate:,.0f} rows/s",
        *table(run.rows),
    ]


SECTION = "## Person search at scale"
INTRO = """\
`cshub bench search --people 100000|300000|1000000` (`cshub/demo/search_bench.py`) builds a
person index through the importer from realistic names (`cshub/demo/names_realistic.py`:
13 locales of a UK city's children, Zipf-Mandelbrot name frequencies, ages 0 to 25, 10%
with a recorded alias: a street name, another surname or an anglicised forename), then runs
240 queries (`--queries`), 40 of each kind: the exact name, one edit, two edits
(substitution, insertion, deletion or transposition in the forename or surname), forename
and surname swapped, a recorded alias, a nickname of the forename (the `nicknames`
package); half of each kind with the date of birth. Names are typed in plain ASCII
(Michał as Michal). Each query is timed through the search function (`search_people`)
and through the page (POST `/children/` as a signed-in practitioner, with the Django test
client, so without a network or a web server), after 6 other queries (one of each kind)
to warm up. Recall@10: the intended person among the first ten; a query without a date of
birth whose name is shared by more than ten people counts when the intended person is
among the exact matches offered (shown with only exact matches above it, or the first ten
shown are all exact matches: people with a name or alias that has every word of the
name). p50 and p95 are nearest-rank, in milliseconds. `--show-misses` prints the queries the search missed.
A run replaces the table of an earlier run with the same database, size, engine (the last
commit that changed `cshub/people`) and label. This machine is shared and its speed
wanders (see above): read the times as a range.
"""


def engine_version() -> str:
    """The last commit that changed the engine (cshub/people), and whether it has changed since."""
    root = Path(settings.BASE_DIR)
    git = shutil.which("git")
    if git is None:
        return "unknown"
    try:
        commit = subprocess.run(  # noqa: S603 - git, with fixed arguments  # nosec B603
            [git, "log", "-1", "--format=%h", "--", "cshub/people"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        changed = subprocess.run(  # noqa: S603 - git, with fixed arguments  # nosec B603
            [git, "status", "--porcelain", "--", "cshub/people"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + (" with uncommitted changes to cshub/people" if changed else "")


def vendor() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {str(cursor.fetchone()[0]).split()[0]}"
    return "SQLite"


def update_docs(path: Path, run: Run) -> None:
    """Put this run's table in the "Person search at scale" section, replacing an earlier run
    with the same title (database, size, engine and label)."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    if SECTION not in text:
        text = text.rstrip("\n") + f"\n\n{SECTION}\n\n{INTRO}"
    start = f"<!-- search bench: {run.title} -->"
    end = "<!-- /search bench -->"
    rate = run.rows_imported / run.import_seconds if run.import_seconds else 0
    block = "\n".join(
        [
            start,
            f"### {run.title}, {run.day:%-d %B %Y}",
            "",
            f"Import: {run.rows_imported:,} person rows in {run.import_seconds:.1f} s ({rate:,.0f} rows/s).",
            "",
            *table(run.rows),
            end,
        ]
    )
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
