"""`cshub register sync`: rebuild every derived flag (children's social care, the hub) from
their sources. `cshub register import FILE --user USERNAME [--check]`: a flag file
(`csh_area_flag.csv`, docs/interchange.md), checked whole; nothing is written if any row
has a problem. The user is who the import is made as: the person index is searched with
what they may see, and held flags wait for a worker."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from cshub.access.models import User
from cshub.access.permissions import Perm


class Command(BaseCommand):
    help = "The whole-area register: sync the derived flags, or import a flag file."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("sync", help="rebuild every social care and hub flag from its source")
        p = sub.add_parser("import", help="import a flag file (csh_area_flag.csv)")
        p.add_argument("path", type=Path)
        p.add_argument("--user", required=True, help="the username the import is made as")
        p.add_argument("--check", action="store_true", help="validate only: report problems, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "sync":
            from cshub.register.models import DERIVED_SOURCES, AreaFlag
            from cshub.register.sync import sync_people

            sync_people()
            count = AreaFlag.objects.filter(source__in=DERIVED_SOURCES).count()
            self.stdout.write(f"Derived flags in step with their sources: {count:,}.")
            return
        self._import(options)

    def _import(self, options: dict[str, Any]) -> None:
        from cshub.interchange.areaflags import import_flags

        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError("No active user has that username")
        if not user.has(Perm.IMPORT_DATA):
            raise CommandError("This user may not import data")
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        with tqdm(desc="Importing", unit=" rows", disable=None, file=self.stderr._out) as bar:
            result = import_flags(path, actor=user, dry_run=options["check"], progress=bar.update)
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(result.errors)} error(s): nothing was imported")
        if options["check"]:
            self.stdout.write(f"{result.rows} rows checked: no errors. Nothing was written (--check).")
            return
        self.stdout.write(
            f"{result.rows} rows: {result.imported} flags imported, {result.updated} updated, "
            f"{result.unchanged} unchanged; children by id {result.by_id}, matched {result.matched}, "
            f"created {result.created}, held for a worker to match {result.held}."
        )
