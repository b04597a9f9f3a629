"""`cshub export DIR`: every table in the interchange format (docs/interchange.md)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cshub.interchange.exporter import export


class Command(BaseCommand):
    help = "Write every table as interchange CSV files into DIR (created if needed). They contain personal data: keep them safe."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        counts = export(
            options["directory"],
            actor=None,
            progress=lambda key, n: self.stdout.write(f"{key:<17} {n:>7} rows"),
        )
        self.stdout.write(
            f"Exported {sum(counts.values())} rows to {options['directory']}. They name children: store and delete them safely."
        )
