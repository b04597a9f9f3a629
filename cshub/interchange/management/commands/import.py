"""`cshub import PATH`: a folder or .zip of interchange CSV files (docs/interchange.md)."""

import csv
import zipfile
import zlib
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from cshub.interchange.importer import run_import
from cshub.interchange.reader import NotReadableError, TooLargeError


class Command(BaseCommand):
    help = "Import a folder, a .zip or a single .csv file of the interchange format. Nothing is written if any row has an error."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--check", action="store_true", help="validate only: report errors and write nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        try:
            with tqdm(desc="Importing", unit=" rows", disable=None, file=self.stderr._out) as bar:
                result = run_import(path, actor=None, dry_run=options["check"], progress=bar.update)
        except (NotReadableError, TooLargeError) as exc:
            raise CommandError(str(exc)) from None
        except (zipfile.BadZipFile, zlib.error, csv.Error) as exc:
            raise CommandError(f"{path.name} could not be read as a .zip or CSV file ({exc})") from None
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(result.errors)} error(s): nothing was imported")
        if options["check"]:
            self.stdout.write(f"{result.rows} rows checked: no errors. Nothing was written (--check).")
            return
        assert result.counts is not None
        for key, created in result.counts.created.items():
            self.stdout.write(
                f"{key:<17} {created:>7} created {result.counts.updated[key]:>7} updated {result.counts.unchanged[key]:>7} unchanged"
            )
        self.stdout.write(f"Import {result.run.pk if result.run else ''} done: {result.rows} rows.")
