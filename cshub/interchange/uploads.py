"""Uploaded import files wait here, readable only by CSHub, until the manager confirms or
cancels; then they are deleted. They hold personal data, so none is left behind: an upload
that fails (a full disk) is deleted at once, and `sweep()` deletes those nobody confirmed or
cancelled. It runs when the web server starts (cshub/wsgi.py), from `cshub sweep-uploads`
(cron or a systemd timer) and at most once an hour from the Imports page."""

import logging
import shutil
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

logger = logging.getLogger(__name__)

SWEEP_EVERY_SECONDS = 3600
_last_sweep: float | None = None  # when this process last swept (time.monotonic())


def _root() -> Path:
    root = Path(settings.CSHUB_UPLOAD_DIR)
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    return root


def save(files: list[UploadedFile]) -> str:
    """Store the files in a folder of their own; its token. On any failure (the disk is
    full half-way through) nothing is kept: the folder goes, the error is raised."""
    token = uuid.uuid4().hex
    folder = _root() / token
    folder.mkdir(mode=0o700)
    try:
        for upload in files:
            name = Path(upload.name or "upload").name
            with (folder / name).open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return token


def path(token: str) -> Path | None:
    """The folder (or the single .zip in it) of an upload, if it is still there."""
    if not token.isalnum():
        return None
    folder = _root() / token
    if not folder.is_dir():
        return None
    zips = [p for p in folder.iterdir() if p.suffix.lower() == ".zip"]
    return zips[0] if len(zips) == 1 and len(list(folder.iterdir())) == 1 else folder


def delete(token: str) -> None:
    if token.isalnum():
        shutil.rmtree(_root() / token, ignore_errors=True)


def max_age_hours() -> float:
    """An upload waits for the session that made it, and no session lasts longer than this."""
    return float(settings.CSHUB_SESSION_MAX_HOURS)


def sweep(max_age: float | None = None) -> int:
    """Delete uploads older than max_age hours (default: the longest a session lasts, after
    which nobody can confirm them): a closed browser, a session that ended, a crash. Also
    stray files (a health check's test file left by a crash). How many were deleted."""
    cutoff = time.time() - (max_age_hours() if max_age is None else max_age) * 3600
    deleted = 0
    for entry in _root().iterdir():
        if entry.lstat().st_mtime >= cutoff:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        deleted += 1
    return deleted


def sweep_if_due() -> None:
    """Sweep when this process last swept an hour ago or more. Opportunistic: a sweep that
    cannot run (a full disk) is logged, and the page goes on."""
    global _last_sweep  # noqa: PLW0603  (one time per process)
    now = time.monotonic()
    if _last_sweep is not None and now - _last_sweep < SWEEP_EVERY_SECONDS:
        return
    _last_sweep = now
    try:
        sweep()
    except OSError as exc:
        logger.warning("Uploads not swept: %s", exc.strerror)
