"""Faults of the service's storage (the database unreachable, locked, read-only, a full disk),
told apart from bugs: they answer 503 with Retry-After and a page saying to try again in a
minute, never a 500 (core.middleware, core.errors), and /healthz/ names them (core.health)."""

import errno
import logging
import sqlite3

from django.db import Error as DatabaseError
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger("cshub.faults")

RETRY_AFTER_SECONDS = 60
UNAVAILABLE_DETAIL = "The service is unavailable: try again in a minute."

# What went wrong, in the words /healthz/ uses.
READ_ONLY = "read-only"
DISK_FULL = "disk full"
LOCKED = "locked"
UNAVAILABLE = "unavailable"

_OS_ERRORS = {errno.ENOSPC: DISK_FULL, errno.EDQUOT: DISK_FULL, errno.EROFS: READ_ONLY}
_SQLITE_CODES = {
    sqlite3.SQLITE_BUSY: LOCKED,
    sqlite3.SQLITE_LOCKED: LOCKED,
    sqlite3.SQLITE_READONLY: READ_ONLY,
    sqlite3.SQLITE_FULL: DISK_FULL,
    sqlite3.SQLITE_IOERR: UNAVAILABLE,
    sqlite3.SQLITE_CANTOPEN: UNAVAILABLE,
    sqlite3.SQLITE_PROTOCOL: LOCKED,
}
# PostgreSQL SQLSTATE codes, and classes of them (the first two characters).
_PG_STATES = {
    "25006": READ_ONLY,  # read_only_sql_transaction (default_transaction_read_only, a standby)
    "53100": DISK_FULL,  # disk_full
    "55P03": LOCKED,  # lock_not_available
    "40P01": LOCKED,  # deadlock_detected: one of the two may try again
    "57P01": UNAVAILABLE,  # admin_shutdown
    "57P02": UNAVAILABLE,  # crash_shutdown
    "57P03": UNAVAILABLE,  # cannot_connect_now (starting up, recovering)
}
_PG_CLASSES = {"08": UNAVAILABLE, "53": UNAVAILABLE}  # connection exceptions; insufficient resources


def disk_reason(exc: OSError) -> str | None:
    """DISK_FULL or READ_ONLY when a file could not be written for that reason."""
    return _OS_ERRORS.get(exc.errno or 0)


def _driver_reason(exc: BaseException) -> str | None:
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        if code is not None:
            return _SQLITE_CODES.get(code & 0xFF)
        return None
    sqlstate = getattr(exc, "sqlstate", None)
    if isinstance(sqlstate, str):
        return _PG_STATES.get(sqlstate) or _PG_CLASSES.get(sqlstate[:2])
    return None


def _reason(exc: BaseException) -> str | None:
    if isinstance(exc, OSError) and not isinstance(exc, DatabaseError):
        return disk_reason(exc)
    if not isinstance(exc, DatabaseError):
        return None
    cause = exc.__cause__
    if cause is not None:
        reason = _driver_reason(cause)
        if reason is not None:
            return reason
        if isinstance(cause, OSError):
            return disk_reason(cause)
        # A driver error with no code, as psycopg gives when it cannot reach the server.
        no_code = getattr(cause, "sqlstate", "") is None
        return UNAVAILABLE if no_code and isinstance(exc, OperationalError | InterfaceError) else None
    # Django's own: "connection already closed", a connection unusable after a failed rollback.
    return UNAVAILABLE if isinstance(exc, InterfaceError) else None


def unavailable_reason(exc: BaseException, *, chained: bool = False) -> str | None:
    """READ_ONLY, DISK_FULL, LOCKED or UNAVAILABLE when exc is a fault of the storage the
    service runs on (worth trying again later), None for anything else (a bug: a 500).
    chained: also look at the exceptions exc was raised while handling."""
    seen: BaseException | None = exc
    while seen is not None:
        reason = _reason(seen)
        if reason is not None or not chained:
            return reason
        seen = seen.__context__
    return None


def unavailable_response(request: HttpRequest, reason: str) -> HttpResponse:
    """The 503 answer: a GOV.UK page, or JSON under /api/. It reads nothing from the database
    (no signed-in user, no menu): the database may be what failed."""
    logger.warning("Service unavailable (%s) at %s %s", reason, request.method, request.path)
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": UNAVAILABLE_DETAIL}, status=503)
    else:
        response = HttpResponse(render_to_string("errors/503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
