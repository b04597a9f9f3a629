"""Where a document's bytes live: CSHUB_DOCUMENTS_DIR (outside the web root and the static
files), one file per document under a random name. Nothing here knows who may read it:
callers have been through documents.access first."""

import os
import secrets
from pathlib import Path

from django.conf import settings


def _root() -> Path:
    root = Path(settings.CSHUB_DOCUMENTS_DIR)
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    return root


def path_of(stored_name: str) -> Path:
    if not stored_name or "/" in stored_name or stored_name.startswith("."):
        raise ValueError("not a stored document name")
    return _root() / stored_name


def store(content: bytes) -> str:
    """Write the bytes under a new random name; return the name."""
    name = secrets.token_hex(24)
    fd = os.open(path_of(name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(content)
    return name


def read(stored_name: str) -> bytes:
    return path_of(stored_name).read_bytes()


def remove(stored_name: str) -> None:
    path_of(stored_name).unlink(missing_ok=True)
