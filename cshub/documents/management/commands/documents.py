"""`cshub documents rescan`: scan again every document waiting for the virus scanner (it
could not be reached when the file was uploaded). Run it when clamd is back, or from a
timer (docs/documents.md); `cshub documents ping` says whether clamd answers."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cshub.documents import actions, clamav


class Command(BaseCommand):
    help = "Documents: scan again those waiting for the virus scanner (rescan), or check the scanner (ping)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("rescan", help="scan every document still waiting for the virus scanner")
        sub.add_parser("ping", help="check that clamd answers on CSHUB_CLAMD_SOCKET")

    def handle(self, *args: Any, **options: Any) -> None:
        if not clamav.ping():
            raise CommandError(
                "The virus scanner (clamd) does not answer on CSHUB_CLAMD_SOCKET: nothing was scanned"
            )
        if options["action"] == "ping":
            self.stdout.write("The virus scanner answers.")
            return
        result = actions.rescan()  # audited on the "command" channel, with no actor
        self.stdout.write(
            f"Scanned again: {result.clean} clean, {result.infected} refused (a virus found, deleted), "
            f"{result.failed} still not scanned, {result.missing} with no file left to scan."
        )
        if result.failed:
            raise CommandError("Some documents could still not be scanned: run it again later")
