"""Uploaded import files wait here, readable only by CSHub, until the manager confirms or
cancels; then they are deleted. They hold personal data."""

import shutil
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile


def _root() -> Path:
    root = Path(settings.CSHUB_UPLOAD_DIR)
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    return root


def save(files: list[UploadedFile]) -> str:
    token = uuid.uuid4().hex
    folder = _root() / token
    folder.mkdir(mode=0o700)
    for upload in files:
        name = Path(upload.name or "upload").name
        with (folder / name).open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
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


def sweep(max_age_hours: int = 24) -> None:
    """Delete uploads nobody confirmed or cancelled (a closed browser, a timed-out session)."""
    cutoff = time.time() - max_age_hours * 3600
    for folder in _root().iterdir():
        if folder.is_dir() and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
