"""Row counts and content digests of every table of a database connection (DB-API)."""

import hashlib
from typing import Any


def quote(name: str) -> str:
    """A table name as an SQL identifier (SQLite and PostgreSQL quote alike)."""
    return '"' + name.replace('"', '""') + '"'


def table_names(cursor: Any, vendor: str) -> list[str]:
    """Every table of the database (not views, not SQLite's own), sorted."""
    if vendor == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        )
    else:
        cursor.execute("SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema()")
    return sorted(row[0] for row in cursor.fetchall())


def row_counts(cursor: Any, vendor: str) -> dict[str, int]:
    counts = {}
    for name in table_names(cursor, vendor):
        cursor.execute(f"SELECT count(*) FROM {quote(name)}")  # noqa: S608 - a quoted table name of this database  # nosec B608
        counts[name] = int(cursor.fetchone()[0])
    return counts


def content_digests(cursor: Any, vendor: str) -> dict[str, tuple[int, str]]:
    """Per table: its row count and the SHA-256 of its rows, in an order that does not depend
    on how the rows were stored (each row's text, sorted)."""
    digests = {}
    for name in table_names(cursor, vendor):
        cursor.execute(f"SELECT * FROM {quote(name)}")  # noqa: S608 - a quoted table name of this database  # nosec B608
        rows = sorted(repr(tuple(row)) for row in cursor.fetchall())
        digest = hashlib.sha256()
        for row in rows:
            digest.update(row.encode())
            digest.update(b"\n")
        digests[name] = (len(rows), digest.hexdigest())
    return digests
