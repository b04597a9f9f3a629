"""`cshub sweep-uploads`: delete uploaded import files nobody confirmed or cancelled. Run it
from cron or a systemd timer (README.md, "Uploaded files"); the web server also sweeps when
it starts and, at most once an hour, when the Imports page is opened."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cshub.interchange import uploads


class Command(BaseCommand):
    help = "Delete uploaded import files older than the longest session (nobody can confirm them)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--hours",
            type=float,
            default=None,
            help=f"delete uploads older than this (default: CSHUB_SESSION_MAX_HOURS, {uploads.max_age_hours():g})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = uploads.sweep(options["hours"])
        noun = "upload" if deleted == 1 else "uploads"
        self.stdout.write(f"Deleted {deleted} {noun} nobody confirmed or cancelled.")
