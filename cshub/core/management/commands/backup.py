"""`cshub backup [PATH]`: back up the database and the documents into a new directory, with
a manifest (docs/operations.md). `cshub backup --verify PATH` checks a backup, restoring nothing."""

import sqlite3
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from cshub.core.backup import BackupError
from cshub.core.backup.run import backup, default_destination, describe, verify


class Command(BaseCommand):
    help = "Back up the database and the documents to a new directory (or check one with --verify)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            help="the new directory to write (default: var/backups/cshub-<UTC time>)",
        )
        parser.add_argument("--verify", type=Path, metavar="PATH", help="check the backup at PATH")
        parser.add_argument(
            "--pg-bin", type=Path, help="directory of pg_dump and pg_restore (default: found on PATH)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verify"] and options["path"]:
            raise CommandError("Give either a directory to back up to or --verify PATH, not both.")
        try:
            if options["verify"]:
                manifest = verify(options["verify"], pg_bin=options["pg_bin"])
                self.stdout.write(f"The backup at {options['verify']} is complete and undamaged.")
                self.stdout.write(f"  {describe(manifest)}")
                return
            backup(options["path"] or default_destination(), pg_bin=options["pg_bin"], say=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from error
        except (OSError, DatabaseError, sqlite3.Error) as error:  # a full disk, a lost connection
            raise CommandError(f"The backup failed: {error}") from error
