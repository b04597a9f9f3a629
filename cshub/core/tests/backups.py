"""Helpers for the backup tests: a fresh database of the engine the suite runs on (a new
SQLite file, or a new database in the test database's PostgreSQL cluster), `cshub` run
against it in a subprocess, and per-table digests to compare databases row by row."""

import secrets
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote as urlquote

from django.db import connection

from cshub.core.backup.manifest import checksums
from cshub.core.backup.tables import content_digests
from cshub.core.tests.faults import REPO, env_for


def _postgres_url(database: str) -> str:
    s = connection.settings_dict
    auth = urlquote(s["USER"] or "")
    if s.get("PASSWORD"):
        auth += ":" + urlquote(s["PASSWORD"])
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{database}"


def _connect(url_or_path: str) -> Any:
    if connection.vendor == "sqlite":
        return sqlite3.connect(url_or_path)
    import psycopg

    return psycopg.connect(url_or_path, autocommit=True)


def digests_of(url_or_path: str) -> dict[str, tuple[int, str]]:
    with closing(_connect(url_or_path)) as db:
        return content_digests(db.cursor(), connection.vendor)


def source_digests() -> dict[str, tuple[int, str]]:
    """The test database's tables, read over a connection of its own (committed rows)."""
    name = connection.settings_dict["NAME"]
    return digests_of(name if connection.vendor == "sqlite" else _postgres_url(name))


def documents_of(directory: Path) -> dict[str, str]:
    return checksums(directory) if directory.exists() else {}


@dataclass
class Target:
    """A database (and a documents directory) of the suite's engine, for `cshub` in a subprocess."""

    url: str
    where: str  # a SQLite file's path, or a PostgreSQL URL
    var_dir: Path

    @property
    def documents(self) -> Path:
        return self.var_dir / "documents"

    def cshub(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = env_for(self.url, self.var_dir, CSHUB_DOCUMENTS_DIR=str(self.documents))
        return subprocess.run(  # noqa: S603 - our own interpreter and command
            [sys.executable, "-m", "cshub", *args],
            env=env,
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
        )

    def digests(self) -> dict[str, tuple[int, str]]:
        if connection.vendor == "sqlite" and not Path(self.where).exists():
            return {}
        return digests_of(self.where)

    def state(self) -> tuple[dict[str, tuple[int, str]], dict[str, str]]:
        """Everything a restore could change: every table's rows and every document."""
        return self.digests(), documents_of(self.documents)


@contextmanager
def fresh_target(directory: Path) -> Iterator[Target]:
    """A database nobody has used: a new SQLite file, or a new database in the cluster of the
    test database (created here, dropped afterwards)."""
    var_dir = directory / "target-var"
    if connection.vendor == "sqlite":
        path = directory / "restored.sqlite3"
        yield Target(f"sqlite:///{path}", str(path), var_dir)
        return
    import psycopg

    name = f"cshub_restore_{secrets.token_hex(4)}"
    with closing(psycopg.connect(_postgres_url(connection.settings_dict["NAME"]), autocommit=True)) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield Target(_postgres_url(name), _postgres_url(name), var_dir)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def flip_a_byte(path: Path) -> None:
    """Change one bit of the byte in the middle of the file, as a bad disk or a bad copy would."""
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
