"""`cshub import PATH`: a folder or .zip of interchange CSV files (docs/interchange.md)."""

import csv
import zipfile
import zlib
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from cshub.interchange.actions import check_entries, map_codes
from cshub.interchange.codelists import MapEntry
from cshub.interchange.importer import run_import
from cshub.interchange.reader import NotReadableError, TooLargeError

MAP_COLUMNS = ("table", "column", "value", "code")


def read_map(path: Path) -> list[MapEntry]:
    """A code-mapping file (`table,column,value,code`), checked whole: any problem is a
    CommandError listing every problem as `file:line: message`."""
    if not path.is_file():
        raise CommandError(f"{path} does not exist")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise CommandError(f"{path.name} is not UTF-8 text") from None
    reader = csv.DictReader(text.splitlines())
    if not set(MAP_COLUMNS) <= {(name or "").strip() for name in reader.fieldnames or ()}:
        raise CommandError(f"{path.name} needs the columns table, column, value, code (a header row)")
    entries, lines = [], []
    for row in reader:
        cells = {(k or "").strip(): (v or "").strip() for k, v in row.items() if isinstance(v, str)}
        if not any(cells.values()):
            continue
        entries.append(MapEntry(*(cells.get(name, "") for name in MAP_COLUMNS)))
        lines.append(reader.line_num)
    problems = [f"{path.name}:{lines[n]}: {message}" for n, message in check_entries(entries)]
    if problems:
        raise CommandError(
            "\n".join(
                [*problems, f"{len(problems)} problem(s) in {path.name}: nothing was mapped or imported"]
            )
        )
    return entries


class Command(BaseCommand):
    help = "Import a folder, a .zip, or a single .csv or .xml file (the interchange format, an SSD extract, a DfE return). Nothing is written if any row has an error."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--check", action="store_true", help="validate only: report errors and write nothing"
        )
        parser.add_argument(
            "--map",
            type=Path,
            metavar="FILE",
            help="a CSV file of code mappings (table,column,value,code): kept and used by this and "
            "every later import (with --check: used for the check only)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        mappings = read_map(options["map"]) if options["map"] else []
        if mappings and not options["check"]:
            saved = map_codes(actor=None, entries=mappings)
            self.stdout.write(f"{len(saved)} code mapping(s) saved, used by this and every later import.")
        try:
            with tqdm(desc="Importing", unit=" rows", disable=None, file=self.stderr._out) as bar:
                result = run_import(
                    path,
                    actor=None,
                    dry_run=options["check"],
                    progress=bar.update,
                    mappings=mappings if options["check"] else (),
                )
        except (NotReadableError, TooLargeError) as exc:
            raise CommandError(str(exc)) from None
        except (zipfile.BadZipFile, zlib.error, csv.Error) as exc:
            raise CommandError(f"{path.name} could not be read as a .zip or CSV file ({exc})") from None
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        for a in result.lookalikes:  # ids and lines only: a terminal's output may be kept
            self.stderr.write(
                f"may already have a record: {a.file}:{a.line}: looks like CSHub record {a.existing} "
                "(the import's page links to a comparison of each pair)"
            )
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
