"""`cshub bench metrics --scale hub|city|region`: see cshub/demo/bench.py."""

import datetime as dt
import tempfile
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.urls import reverse
from tqdm import tqdm

from cshub.assurance.metrics import Period, compute
from cshub.demo.accounts import refuse_real_database
from cshub.demo.bench import SCALES, generate
from cshub.demo.bench_duckdb import DEFINITIONS, disagreements, duckdb_figures, engine_only
from cshub.interchange.importer import run_import
from cshub.people.models import Person


class Command(BaseCommand):
    help = "Benchmark the import and the metrics engine against DuckDB on the same data, in the same run."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["metrics"])
        parser.add_argument("--scale", choices=list(SCALES), default="hub")
        parser.add_argument("--keep", type=Path, help="keep the generated CSV files in this folder")

    def handle(self, *args: Any, **options: Any) -> None:
        refusal = refuse_real_database()
        if refusal:
            raise CommandError(refusal + " Run the benchmark on an empty database.")
        if Person.objects.exists():
            raise CommandError(
                "This database already holds records: the figures would mix them with the benchmark's. "
                "Run the benchmark on an empty database (a new CSHUB_VAR_DIR, or a new PostgreSQL database)."
            )
        scale = SCALES[options["scale"]]
        if connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]):
            raise CommandError("Run the benchmark against a database file, not an in-memory one.")
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
            began = time.perf_counter()
            figures = compute(period)
            metrics_seconds = time.perf_counter() - began
            reference, duck = duckdb_figures(folder, period.start, period.end)
        differences = disagreements(figures, reference)
        self.stdout.write(f"Database: {connection.vendor}")
        self.stdout.write(
            f"Import: {rows:,} rows in {import_seconds:.1f} s = {rows / import_seconds:,.0f} rows/s"
        )
        self.stdout.write(f"Metrics ({len(figures)} figures, one year): {metrics_seconds:.2f} s")
        self.stdout.write(
            f"DuckDB, the same {len(DEFINITIONS)} definitions ({len(reference)} figures) over the CSV files: "
            f"{duck.total:.2f} s (reading the files {duck.reading:.2f} s, computing {duck.computing:.2f} s)"
        )
        for name, why in engine_only(figures).items():
            self.stdout.write(f"Engine only: {name} ({why})")
        self.stdout.write(
            f"Ratio metrics engine / DuckDB: {metrics_seconds / duck.total:.1f}x "
            f"({metrics_seconds / duck.computing:.1f}x DuckDB's computing alone, its files already read)"
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
