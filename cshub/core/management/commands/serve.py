"""`cshub serve`: the production server (gunicorn) for this project.

The command turns its options into gunicorn's and then becomes gunicorn (exec): the
process `cshub serve` started is gunicorn's master, so a process manager signals it
directly (HUP: new workers with the code and settings as they are now, the old ones finish
what they are answering first; TERM: graceful stop). Django's own upload limits
(DATA_UPLOAD_MAX_MEMORY_SIZE, CSHUB_UPLOAD_MAX_MB, the API's 1 MB) stay as they are:
gunicorn's limits bound the request line and headers before Django reads anything.

The access log names the method, the path (ids only, never a name: see README.md) and the
status, never the query string or the referrer, which can carry what someone typed."""

import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

# The path without its query string (%(U)s, not %(r)s), no referrer (%(f)s) and no user agent:
# the request id (X-Request-ID, also on the audit trail) ties a line to what the request did.
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms %({x-request-id}o)s'
WSGI_APPLICATION = "cshub.wsgi:application"


def default_workers() -> int:
    """2 x cores + 1, gunicorn's advice for sync workers (the cores this process may use)."""
    return 2 * len(os.sched_getaffinity(0)) + 1


def gunicorn_arguments(options: dict[str, Any]) -> list[str]:
    """The gunicorn command line for the command's options."""
    if options["workers"] < 1:
        raise CommandError("--workers must be 1 or more.")
    access_log = options["access_log"]
    arguments = [
        "--bind",
        options["bind"],
        "--workers",
        str(options["workers"]),
        "--worker-class",
        "sync",
        "--timeout",
        str(options["timeout"]),
        "--graceful-timeout",
        str(options["graceful_timeout"]),
        "--limit-request-line",
        str(options["limit_request_line"]),
        "--limit-request-fields",
        str(options["limit_request_fields"]),
        "--limit-request-field_size",
        str(options["limit_request_field_size"]),
        "--max-requests",
        str(options["max_requests"]),
        "--max-requests-jitter",
        str(options["max_requests"] // 10),
        "--forwarded-allow-ips",
        options["forwarded_allow_ips"],
        "--error-logfile",
        "-",
        "--log-level",
        options["log_level"],
        # No control socket: its default path is one per user, shared by every server they run.
        "--no-control-socket",
    ]
    if access_log != "none":
        arguments += ["--access-logfile", access_log, "--access-logformat", ACCESS_LOG_FORMAT]
    return [*arguments, WSGI_APPLICATION]


class Command(BaseCommand):
    help = "Serve CSHub with gunicorn (production): see README.md, Running in production."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind", default="127.0.0.1:8000", help="HOST:PORT to listen on (default 127.0.0.1:8000)"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help="worker processes (default 2 x cores + 1: %(default)s here)",
        )
        parser.add_argument(
            "--timeout", type=int, default=30, help="seconds before a silent worker is restarted"
        )
        parser.add_argument(
            "--graceful-timeout",
            type=int,
            default=30,
            help="seconds a worker has to finish its request on HUP or TERM before it is killed",
        )
        parser.add_argument(
            "--limit-request-line", type=int, default=4094, help="longest request line, in bytes"
        )
        parser.add_argument("--limit-request-fields", type=int, default=100, help="most request headers")
        parser.add_argument(
            "--limit-request-field-size", type=int, default=8190, help="longest request header, in bytes"
        )
        parser.add_argument(
            "--max-requests",
            type=int,
            default=2000,
            help="a worker is replaced after about this many requests (0: never)",
        )
        parser.add_argument(
            "--forwarded-allow-ips",
            default="127.0.0.1,::1",
            help="addresses of the TLS proxy whose X-Forwarded-* headers gunicorn trusts",
        )
        parser.add_argument(
            "--access-log", default="-", help="access log file, - for standard output, none for no log"
        )
        parser.add_argument(
            "--log-level",
            default="info",
            choices=["debug", "info", "warning", "error", "critical"],
            help="gunicorn's own log (workers started and stopped)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        arguments = gunicorn_arguments(options)
        self.stdout.write(f"Serving CSHub on http://{options['bind']}/ with {options['workers']} workers")
        self.stdout.flush()
        sys.stderr.flush()
        os.execv(sys.executable, [sys.executable, "-m", "gunicorn", *arguments])  # noqa: S606 - our own interpreter, fixed arguments  # nosec B606
