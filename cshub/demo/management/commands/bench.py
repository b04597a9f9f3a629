"""`cshub bench metrics --scale hub|city|region`: see cshub/demo/bench.py.
`cshub bench search --people N`: see cshub/demo/search_bench.py.
`cshub bench intelligence --links N`: see cshub/demo/intel_bench.py.
`cshub bench pages --scale hub|region --users N --seconds S`: see cshub/demo/pages_bench.py.
`cshub bench load --scale hub|region --clients N --seconds S`: see cshub/demo/load_bench.py.
`cshub bench linkage --hubs N --people N`: see cshub/linkage/bench.py."""

import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.urls import reverse
from tqdm import tqdm

from cshub.assurance.metrics import FROM_INTERCHANGE, Period, compute
from cshub.demo import intel_bench, intel_generate, load_bench, pages_bench, search_bench
from cshub.demo.accounts import refuse_real_database
from cshub.demo.bench import SCALES, generate
from cshub.demo.bench_duckdb import DEFINITIONS, disagreements, duckdb_figures, engine_only
from cshub.demo.dashboard_bench import time_dashboard
from cshub.demo.names_realistic import generate_people
from cshub.interchange.importer import run_import
from cshub.linkage import bench as linkage_bench
from cshub.people.models import Person

RUNS = 3  # metrics: each engine times the year this many times; the median is reported


class Command(BaseCommand):
    help = "Benchmark the import and the metrics engine against DuckDB on the same data, in the same run."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["metrics", "search", "intelligence", "pages", "load", "linkage"])
        parser.add_argument(
            "--scale", choices=list(SCALES), default="hub", help="metrics: the history's size"
        )
        parser.add_argument("--keep", type=Path, help="keep the generated CSV files in this folder")
        parser.add_argument("--people", type=int, default=100_000, help="search: the number of people")
        parser.add_argument("--queries", type=int, default=240, help="search: queries, evenly over the kinds")
        parser.add_argument("--seed", type=int, default=1, help="search: the same seed makes the same people")
        parser.add_argument(
            "--docs",
            type=Path,
            default=Path(settings.BASE_DIR) / "docs" / "performance.md",
            help='search, intelligence: the file whose "Person search at scale" or "Intelligence at scale" '
            "section gets the results",
        )
        parser.add_argument("--no-docs", action="store_true", help="search: print the results only")
        parser.add_argument(
            "--show-misses",
            action="store_true",
            help="search: print the queries the search missed (synthetic names)",
        )
        parser.add_argument("--label", default="", help="search: a word for the run in the docs, e.g. before")
        defaults = intel_generate.Scale()
        for name in ("hubs", "children", "adults", "places", "links"):
            parser.add_argument(
                f"--{name}", type=int, default=getattr(defaults, name), help=f"intelligence: {name}"
            )
        parser.add_argument(
            "--sample", type=int, default=200, help="intelligence: children whose network is timed"
        )

        pages_bench.add_arguments(parser)
        load_bench.add_arguments(parser)
        linkage_bench.add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "linkage":  # synthetic people in memory: no database
            linkage_bench.command(options, self.stdout.write)
            return
        # Pages, --reuse: the database an earlier run built (its import made hub workers' accounts).
        reuse = options["what"] == "pages" and options["reuse"]
        refusal = refuse_real_database()
        if refusal and not reuse:
            raise CommandError(refusal + " Run the benchmark on an empty database.")
        if Person.objects.exists() and not reuse:
            raise CommandError(
                "This database already holds records: the figures would mix them with the benchmark's. "
                "Run the benchmark on an empty database (a new CSHUB_VAR_DIR, or a new PostgreSQL database)."
            )
        if connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]):
            raise CommandError("Run the benchmark against a database file, not an in-memory one.")
        if options["what"] == "search":
            self.search(options)
            return
        if options["what"] == "intelligence":
            self.intelligence(options)
            return
        if options["what"] == "pages":
            pages_bench.command(options, self.stdout.write)
            return
        if options["what"] == "load":
            load_bench.command(options, self.stdout.write)
            return
        scale = SCALES[options["scale"]]
        with tempfile.TemporaryDirectory() as tmp:
            folder = options["keep"] or Path(tmp)
            folder.mkdir(parents=True, exist_ok=True)
            began = time.perf_counter()
            rows = generate(folder, scale)
            self.stdout.write(
                f"Generated {rows:,} rows ({scale.hubs} hub(s) x {scale.years} years) in {time.perf_counter() - began:.1f} s"
            )
            reverse("casework:episode", args=[0])  # load the URLs now, as a running server has
            began = time.perf_counter()
            with tqdm(total=rows, desc="Importing", unit=" rows", disable=None) as bar:
                result = run_import(
                    folder, actor=None, progress=bar.update, source=f"benchmark {options['scale']}"
                )
            import_seconds = time.perf_counter() - began
            if not result.ok:
                raise CommandError("; ".join(str(e) for e in result.errors[:5]))
            period = Period(dt.date(2025, 4, 1), dt.date(2026, 3, 31))
            runs, shared_runs = [], []
            for _ in range(RUNS):
                began = time.perf_counter()
                figures = compute(period)
                runs.append(time.perf_counter() - began)
                began = time.perf_counter()  # the figures DuckDB computes too: the like-for-like time
                shared = compute(period, FROM_INTERCHANGE)
                shared_runs.append(time.perf_counter() - began)
            metrics_seconds, shared_seconds = statistics.median(runs), statistics.median(shared_runs)
            reference, duck = duckdb_figures(folder, period.start, period.end, runs=RUNS)
            dashboard = time_dashboard(period.start.year)
        differences = disagreements(figures, reference)
        self.stdout.write(f"Database: {connection.vendor}")
        self.stdout.write(
            f"Import: {rows:,} rows in {import_seconds:.1f} s = {rows / import_seconds:,.0f} rows/s"
        )
        self.stdout.write(
            f"Metrics ({len(figures)} figures, one year), median of {RUNS}: {metrics_seconds:.2f} s "
            f"(runs {', '.join(f'{r:.2f}' for r in runs)}); the {len(shared)} figures of the modules the "
            f"interchange files carry: {shared_seconds:.2f} s (runs {', '.join(f'{r:.2f}' for r in shared_runs)})"
        )
        self.stdout.write(
            f"DuckDB, the same {len(DEFINITIONS)} definitions ({len(reference)} figures): "
            f"loading the CSV files into tables {duck.reading:.2f} s; computing from the loaded tables, "
            f"median of {RUNS}: {duck.computing:.2f} s (runs {', '.join(f'{r:.2f}' for r in duck.computing_runs)})"
        )
        for name, why in engine_only(figures).items():
            self.stdout.write(f"Engine only: {name} ({why})")
        like = shared_seconds / duck.computing
        self.stdout.write(
            f"Ratio metrics engine / DuckDB computing from tables it has already loaded (like for like: the "
            f"engine's modules the files carry, {len(shared)} figures, beside DuckDB's {len(reference)}): "
            f"{like:.1f}x ({'within' if like <= 2 else 'NOT within'} the 2x goal)"
        )
        self.stdout.write(
            f"Ratio of every figure the engine computes ({len(figures)}) / DuckDB computing: "
            f"{metrics_seconds / duck.computing:.1f}x"
        )
        self.stdout.write(
            f"Ratio metrics engine / DuckDB loading the files and computing (the older ratio): "
            f"{metrics_seconds / duck.total:.1f}x"
        )
        first, *after_writes = dashboard.cold
        self.stdout.write(
            f"Dashboard ({period.start.year}/{period.end.year % 100} beside the year before, a team manager, "
            f"test client): cold (first view after the import) {first.seconds:.2f} s, {first.queries} queries; "
            f"cold after a write {', '.join(f'{v.seconds:.2f}' for v in after_writes)} s; "
            f"warm (a repeat view) median {dashboard.median(dashboard.warm) * 1000:.0f} ms "
            f"({min(v.seconds for v in dashboard.warm) * 1000:.0f}-{max(v.seconds for v in dashboard.warm) * 1000:.0f} ms), "
            f"{dashboard.warm[0].queries} queries"
        )
        self.stdout.write(
            f"Ratio import / DuckDB reading the same files: {import_seconds / duck.reading:.0f}x "
            "(the import also validates every rule, and writes records, timeline and audit trail)"
        )
        if differences:
            self.stdout.write(f"Figures agree with DuckDB: NO ({len(differences)} differences)")
            for line in differences:
                self.stdout.write(f"  {line}")
            raise CommandError("the metrics engine and DuckDB disagree")
        self.stdout.write(f"Figures agree with DuckDB: yes (every part of all {len(reference)} figures)")

    def search(self, options: dict[str, Any]) -> None:
        people_count, query_count = options["people"], options["queries"]
        if people_count < 100 or query_count < len(search_bench.KINDS):
            raise CommandError(
                f"Ask for at least 100 people and {len(search_bench.KINDS)} queries (one of each kind)."
            )
        began = time.perf_counter()
        try:
            people = list(generate_people(people_count, seed=options["seed"]))
        except RuntimeError as exc:  # Faker, a development dependency, is not installed
            raise CommandError(str(exc)) from exc
        queries = search_bench.make_queries(people, query_count, seed=options["seed"])
        with tempfile.TemporaryDirectory() as tmp:
            folder = options["keep"] or Path(tmp)
            folder.mkdir(parents=True, exist_ok=True)
            rows = search_bench.write_people(folder, people)
            self.stdout.write(
                f"Generated {rows:,} people and {len(queries)} queries in {time.perf_counter() - began:.1f} s"
            )
            reverse("casework:child", args=[0])  # load the URLs now, as a running server has
            began = time.perf_counter()
            with tqdm(total=rows, desc="Importing", unit=" rows", disable=None) as bar:
                result = run_import(folder, actor=None, progress=bar.update, source="benchmark search")
            import_seconds = time.perf_counter() - began
        if not result.ok:
            raise CommandError("; ".join(str(e) for e in result.errors[:5]))
        with tqdm(total=len(queries), desc="Searching", unit=" queries", disable=None) as bar:
            warm_up = search_bench.make_queries(people, len(search_bench.KINDS), seed=options["seed"] + 1)
            outcomes = search_bench.run_queries(queries, people, warm_up=warm_up, progress=bar.update)
        run = search_bench.Run(
            vendor=search_bench.vendor(),
            people=people_count,
            rows_imported=rows,
            import_seconds=import_seconds,
            engine=search_bench.engine_version(),
            label=options["label"],
            day=dt.datetime.now(tz=dt.UTC).date(),
            rows=search_bench.summarise(outcomes),
        )
        for line in search_bench.report(run):
            self.stdout.write(line)
        if options["show_misses"]:
            for line in search_bench.misses(outcomes, people):
                self.stdout.write(line)
        if not options["no_docs"]:
            search_bench.update_docs(options["docs"], run)
            self.stdout.write(f"Written to {options['docs']}")

    def intelligence(self, options: dict[str, Any]) -> None:
        scale = intel_generate.Scale(
            options["hubs"], options["children"], options["adults"], options["places"], options["links"]
        )
        if scale.hubs < 1 or scale.children < 10 * scale.hubs or scale.adults < 10 * scale.hubs:
            raise CommandError("Ask for at least one hub and 10 children and 10 adults per hub.")
        if scale.places < 5 * scale.hubs or scale.links < 2 * scale.children:
            raise CommandError("Ask for at least 5 places per hub and two links per child.")
        reverse("casework:child", args=[0])  # load the URLs now, as a running server has
        with tqdm(total=scale.links, desc="Generating links", unit=" links", disable=None) as bar:
            run = intel_bench.run_bench(
                scale,
                seed=options["seed"],
                children=options["sample"],
                label=options["label"],
                progress=bar.update,
                say=self.stdout.write,
            )
        for line in intel_bench.report(run):
            self.stdout.write(line)
        if not options["no_docs"]:
            intel_bench.update_docs(options["docs"], run)
            self.stdout.write(f"Written to {options['docs']}")
