"""The SQLite part of a backup: a copy made with SQLite's online backup API (a consistent
snapshot, safe while the server runs: in WAL mode readers and the one writer carry on),
and its restore, again with the backup API (one transaction on the target)."""

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from cshub.core.backup import BackupError
from cshub.core.backup.manifest import migrations_from
from cshub.core.backup.tables import row_counts, table_names

FILE = "database.sqlite3"


@dataclass
class Snapshot:
    file: str
    server_version: str
    dump_tool: str
    migrations: dict[str, list[str]]
    tables: dict[str, int]


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def describe(connection: sqlite3.Connection) -> tuple[dict[str, list[str]], dict[str, int]]:
    cursor = connection.cursor()
    migrations: dict[str, list[str]] = {}
    if "django_migrations" in table_names(cursor, "sqlite"):
        cursor.execute("SELECT app, name FROM django_migrations")
        migrations = migrations_from(cursor.fetchall())
    return migrations, row_counts(cursor, "sqlite")


def integrity(connection: sqlite3.Connection) -> str:
    result = connection.execute("PRAGMA integrity_check").fetchone()[0]
    return str(result)


def dump(source: Path, directory: Path, timeout: float) -> Snapshot:
    """Copy the database at source into directory/FILE in one step of the backup API."""
    if not source.is_file():
        raise BackupError(f"There is no SQLite database at {source}.")
    target = directory / FILE
    with closing(sqlite3.connect(source, timeout=timeout)) as live, closing(sqlite3.connect(target)) as copy:
        live.backup(copy)  # all pages in one step: one read transaction, one snapshot
        copy.execute("PRAGMA journal_mode=DELETE")  # the copy stands alone (no -wal file)
        migrations, tables = describe(copy)
    target.chmod(0o600)
    return Snapshot(FILE, sqlite3.sqlite_version, "sqlite3 online backup API", migrations, tables)


def check(path: Path, tables: dict[str, int]) -> list[str]:
    """What is wrong with the database copy of a backup (it must open, pass SQLite's integrity
    check and hold the rows the manifest counts)."""
    try:
        with closing(_read_only(path)) as copy:
            verdict = integrity(copy)
            if verdict != "ok":
                return [f"{path.name} fails SQLite's integrity check"]
            _, counts = describe(copy)
    except sqlite3.DatabaseError:
        return [f"{path.name} is not a readable SQLite database"]
    if counts != tables:
        return [f"{path.name} does not hold the rows the manifest counts"]
    return []


def is_empty(target: Path) -> bool:
    # Asked by `cshub restore` before it starts, with CSHub stopped (docs/operations.md): a
    # check for the operator, not a claim another process could race.
    if not target.exists() or target.stat().st_size == 0:
        return True
    with closing(_read_only(target)) as connection:
        return not table_names(connection.cursor(), "sqlite")


def current_rows(target: Path) -> tuple[int, int]:
    """Tables and rows in the target database (for the --force warning)."""
    with closing(_read_only(target)) as connection:
        counts = row_counts(connection.cursor(), "sqlite")
    return len(counts), sum(counts.values())


def restore(copy: Path, target: Path, tables: dict[str, int], timeout: float) -> None:
    """Replace the database at target with the copy, in one transaction on the target."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(_read_only(copy)) as source, closing(sqlite3.connect(target, timeout=timeout)) as live:
        source.backup(live)
        live.execute("PRAGMA journal_mode=WAL")
        _, counts = describe(live)
    if counts != tables:
        raise BackupError(f"The restored database at {target} does not hold the rows the manifest counts.")
