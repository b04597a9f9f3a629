"""`cshub retention --dry-run`: what the retention rules would dispose of, and what is held.

Ids, record types, rules and dates only: never a name. Disposal itself is done on the
Retention page by a person holding the disposal permission, one record at a time, with a
reason (docs/data-protection.md)."""

import csv
import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cshub.retention.due import review


class Command(BaseCommand):
    help = "List the records due for disposal under the retention rules, and those held (no names)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list what would go and why (required)")
        parser.add_argument("--on", help="as on this date (YYYY-MM-DD), default today")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["dry_run"]:
            raise CommandError(
                "Only --dry-run is available here: dispose of records on the Retention page, with a reason"
            )
        on = None
        if options["on"]:
            try:
                on = dt.date.fromisoformat(options["on"])
            except ValueError as error:
                raise CommandError("--on takes a date as YYYY-MM-DD") from error
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(["record_type", "id", "rule", "due_on", "status", "held_because"])
        items = review(on)
        for item in items:
            writer.writerow(
                [
                    item.record_type,
                    item.person_id,
                    item.rule,
                    item.due_on.isoformat() if item.due_on else "",
                    "held" if item.held else "due",
                    "; ".join(item.held),
                ]
            )
        due = sum(1 for i in items if not i.held)
        self.stderr.write(f"{due} due for disposal, {len(items) - due} held")
