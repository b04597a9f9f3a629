"""`cshub metrics --from YYYY-MM-DD --to YYYY-MM-DD --format json|csv [--publication]`."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cshub.assurance import metrics


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"'{text}' is not a date in the form YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "Print every figure of the performance framework (docs/metrics.md) for a period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD (inclusive)")
        parser.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD (inclusive)")
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument(
            "--publication", action="store_true", help="suppress small numbers (1 to 4) as 'c'"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = _date(options["start"]), _date(options["end"])
        if end < start:
            raise CommandError("--to is before --from")
        period = metrics.Period(start, end)
        results = metrics.compute(period)
        if options["format"] == "json":
            self.stdout.write(metrics.to_json(period, results, publication=options["publication"]))
        else:
            self.stdout.write(metrics.to_csv(results, publication=options["publication"]), ending="")
