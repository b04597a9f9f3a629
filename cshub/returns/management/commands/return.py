"""`cshub return --quarter 2025-Q3 [--format csv|xlsx] [--output PATH]`: this hub's quarterly
regional return (docs/regional-return.md).

`cshub return combine FILE... [--output PATH] [--format csv|xlsx] [--publication]`: hubs'
returns combined into the regional table, after every file passed every check."""

from functools import cache
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cshub.core.dates import format_date
from cshub.returns import combine, export, write
from cshub.returns.schema import SCHEMA_VERSION, Catalogue, Quarter, catalogue

BAD_INPUT = 1  # a file or a quarter refused; nothing written


class Command(BaseCommand):
    help = "This hub's quarterly regional return; `combine` makes the regional table from hubs' returns."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--quarter", help="the quarter of the reporting year, YYYY-Qn (2025-Q3: October to December 2025)"
        )
        parser.add_argument("--format", choices=write.FORMATS, default="csv")
        parser.add_argument("--output", help="the file to write (default: CSV to standard output)")
        sub = parser.add_subparsers(dest="action", metavar="combine")
        joined = sub.add_parser(
            "combine",
            help="combine hubs' returns (CSV or XLSX) into the regional table",
            description="Check every file against the schema, then write the regional table.",
        )
        joined.add_argument("files", nargs="+", metavar="FILE")
        joined.add_argument("--format", dest="combined_format", choices=write.FORMATS, default="csv")
        joined.add_argument(
            "--output", dest="combined_output", help="the file to write (default: CSV to standard output)"
        )
        joined.add_argument(
            "--publication",
            action="store_true",
            help="suppress small numbers (1 to 4) as 'c', as the engine publishes",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("action") == "combine":
            self._combine(
                options["files"],
                options["combined_format"],
                options["combined_output"],
                options["publication"],
            )
        else:
            self._return(options["quarter"], options["format"], options["output"])

    def _write(self, data: bytes, fmt: str, output: str | None) -> None:
        if output:
            write.write_whole(output, data)
        elif fmt == "csv":
            self.stdout.write(data.decode("utf-8"), ending="")
        else:
            raise CommandError("an XLSX file needs --output PATH", returncode=BAD_INPUT)

    def _return(self, quarter_text: str | None, fmt: str, output: str | None) -> None:
        if not quarter_text:
            raise CommandError("give the quarter: --quarter YYYY-Qn (2025-Q3 is October to December 2025)")
        if fmt == "xlsx" and not output:
            raise CommandError("an XLSX file needs --output PATH", returncode=BAD_INPUT)
        try:
            quarter = Quarter.parse(quarter_text)
            made = export.export(quarter, fmt, via="cshub return")
        except ValueError as exc:
            raise CommandError(str(exc), returncode=BAD_INPUT) from None
        self._write(made.content, fmt, output)
        if output:
            self.stderr.write(f"{made.rows} measures for {quarter} written to {output}")

    def _combine(self, files: list[str], fmt: str, output: str | None, publication: bool) -> None:
        if fmt == "xlsx" and not output:
            raise CommandError("an XLSX file needs --output PATH", returncode=BAD_INPUT)

        @cache
        def catalogue_for(quarter: Quarter) -> Catalogue:
            return catalogue(quarter)

        regional, problems = combine.combine_paths(files, catalogue_for)
        if regional is None:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in the returns; nothing written",
                returncode=BAD_INPUT,
            )
        rows = combine.table(regional, publication=publication)
        if fmt == "csv":
            data = write.to_csv(combine.COLUMNS, rows)
        else:
            p = regional.quarter.period
            data = write.to_xlsx(
                "region",
                combine.COLUMNS,
                rows,
                [
                    ("Regional table", "hubs' quarterly returns combined"),
                    ("quarter", str(regional.quarter)),
                    ("from", f"{format_date(p.start)} ({p.start.isoformat()})"),
                    ("to", f"{format_date(p.end)} ({p.end.isoformat()})"),
                    ("hubs", ", ".join(regional.hubs)),
                    ("schema version", SCHEMA_VERSION),
                    (
                        "for publication",
                        "yes: small numbers suppressed as c" if publication else "no: true values",
                    ),
                ],
            )
        self._write(data, fmt, output)
        if output:
            self.stderr.write(f"{len(regional.hubs)} returns for {regional.quarter} combined into {output}")
