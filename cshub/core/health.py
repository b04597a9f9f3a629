"""/healthz/: the database answers a read and takes a write, and uploads can be stored.
Each part says "ok" or "failed (why)"; 200 when all are ok, 503 otherwise. No personal data,
no error text: the reasons are the words of core.faults."""

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from cshub.core.faults import RETRY_AFTER_SECONDS, disk_reason, unavailable_reason
from cshub.core.models import Heartbeat

# A health check should answer quickly: a write waits this long for a lock (a long import
# on SQLite holds the write lock), then the write is reported as locked.
LOCK_WAIT_MS = 2000
OK = "ok"


def _database_read() -> None:
    Heartbeat.objects.filter(pk=1).exists()


def _database_write() -> None:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            connection.cursor().execute(f"SET LOCAL lock_timeout = {LOCK_WAIT_MS}")
        Heartbeat.objects.update_or_create(pk=1, defaults={"checked_at": timezone.now()})


def _database_write_waiting_briefly() -> None:
    if connection.vendor != "sqlite":
        _database_write()
        return
    # SQLite takes its write lock at BEGIN IMMEDIATE: bound the wait for it, then restore.
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA busy_timeout = {LOCK_WAIT_MS}")
    try:
        _database_write()
    finally:
        timeout = float(connection.settings_dict["OPTIONS"].get("timeout", 5))
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        except DatabaseError:
            connection.close()  # never leave a connection that waits less than the settings say


def _uploads() -> None:
    root = Path(settings.CSHUB_UPLOAD_DIR)
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle, name = tempfile.mkstemp(prefix=".healthz-", dir=root)
    try:
        os.write(handle, b"\0" * 4096)
        os.fsync(handle)
    finally:
        os.close(handle)
        Path(name).unlink()


def _check(part: Callable[[], None], database: bool) -> str:
    try:
        part()
    except Exception as exc:
        if database:
            reason = unavailable_reason(exc) or "error"
        else:
            reason = (disk_reason(exc) or "not writable") if isinstance(exc, OSError) else "error"
        return f"failed ({reason})"
    return OK


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    parts = {
        "database": _check(_database_read, database=True),
        "database write": _check(_database_write_waiting_briefly, database=True),
        "uploads": _check(_uploads, database=False),
    }
    status = 200 if all(v == OK for v in parts.values()) else 503
    response: HttpResponse
    if "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse(parts, status=status)
    else:
        text = "".join(f"{part}: {state}\n" for part, state in parts.items())
        response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
    if status != 200:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
