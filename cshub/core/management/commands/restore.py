"""`cshub restore PATH [--force]`: restore a backup made by `cshub backup` into the configured
database and documents directory, once every check has passed (docs/operations.md)."""

import sqlite3
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from cshub.core.backup import BackupError
from cshub.core.backup.run import plural, restore


class Command(BaseCommand):
    help = "Restore a backup made by `cshub backup` (checked first; refuses to replace data without --force)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the backup's directory")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the database and documents there now (they are lost)",
        )
        parser.add_argument(
            "--pg-bin", type=Path, help="directory of pg_restore and psql (default: found on PATH)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            restored = restore(
                options["path"],
                force=options["force"],
                pg_bin=options["pg_bin"],
                say=self.stdout.write,
                warn=lambda line: self.stderr.write(self.style.WARNING(line)),
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        except (OSError, DatabaseError, sqlite3.Error) as error:  # a full disk, a lost connection
            raise CommandError(f"The restore failed: {error}") from error
        manifest = restored.manifest
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {len(manifest.tables)} tables ({manifest.rows:,} rows) and "
                f"{plural(len(manifest.documents), 'document')}; every table holds the rows the manifest counts."
            )
        )
        if restored.migrations.pending:
            self.stdout.write(
                self.style.WARNING(
                    f"The backup is from an older CSHub ({manifest.cshub_version}): "
                    f"{len(restored.migrations.pending)} migrations of this version are not applied. "
                    "Run `cshub migrate` before serving it."
                )
            )
