"""The PostgreSQL part of a backup: `pg_dump -Fc` of one exported snapshot (the manifest's
row counts and migrations are read in that same snapshot), and `pg_restore` piped into
`psql --single-transaction`, so a restore that fails changes nothing. The tools' versions
are checked against the server's first; their exit codes are checked and their stderr is
shown. The password goes to the tools in PGPASSWORD, never on a command line."""

import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cshub.core.backup import BackupError
from cshub.core.backup.manifest import migrations_from
from cshub.core.backup.tables import quote, row_counts, table_names

FILE = "database.pgdump"
# libpq's environment variables for the connection settings Django may hold.
LIBPQ_ENV = {
    "NAME": "PGDATABASE",
    "USER": "PGUSER",
    "PASSWORD": "PGPASSWORD",  # nosec B105 # the name of libpq's variable, not a password
    "HOST": "PGHOST",
    "PORT": "PGPORT",
}
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
}


@dataclass
class Database:
    settings: dict[str, Any]  # a Django DATABASES entry
    pg_bin: Path | None  # where pg_dump, pg_restore and psql are; None: on PATH

    def env(self) -> dict[str, str]:
        import os

        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        for key, variable in LIBPQ_ENV.items():
            if self.settings.get(key):
                env[variable] = str(self.settings[key])
        for key, variable in LIBPQ_OPTIONS.items():
            if self.settings.get("OPTIONS", {}).get(key):
                env[variable] = str(self.settings["OPTIONS"][key])
        return env

    @contextmanager
    def connect(self) -> Iterator[Any]:
        """A connection (closed afterwards); a database error is a BackupError."""
        import psycopg

        kwargs = {
            "dbname": self.settings["NAME"],
            "user": self.settings.get("USER") or None,
            "password": self.settings.get("PASSWORD") or None,
            "host": self.settings.get("HOST") or None,
            "port": self.settings.get("PORT") or None,
        }
        options = {k: v for k, v in self.settings.get("OPTIONS", {}).items() if k in LIBPQ_OPTIONS}
        try:
            connection = psycopg.connect(**{k: v for k, v in kwargs.items() if v is not None}, **options)
        except psycopg.OperationalError as error:
            raise BackupError(f"Could not connect to the PostgreSQL database {self.name}: {error}") from error
        try:
            with connection:
                yield connection
        except psycopg.Error as error:
            raise BackupError(
                f"PostgreSQL refused (database {self.name}): {without_row_content(str(error))}"
            ) from error

    @property
    def name(self) -> str:
        return str(self.settings["NAME"])

    def tool(self, name: str) -> str:
        found = str(self.pg_bin / name) if self.pg_bin else shutil.which(name)
        if not found or not Path(found).is_file():
            raise BackupError(
                f"{name} was not found{f' in {self.pg_bin}' if self.pg_bin else ''}: install the PostgreSQL "
                "client tools of the server's version (Debian: postgresql-client-15) or give --pg-bin."
            )
        return found


def major_of(version_text: str) -> int:
    """The major version in `pg_dump (PostgreSQL) 15.10 (Debian …)` or `15.10`."""
    match = re.search(r"(?:\)\s*|^)(\d+)(?:\.\d+)?", version_text.strip())
    if not match:
        raise BackupError(f"Could not read a PostgreSQL version in {version_text!r}.")
    return int(match.group(1))


def without_row_content(stderr: str) -> str:
    """PostgreSQL's messages, less the row a failed COPY quotes (it may be a child's record)."""
    return re.sub(r"(COPY [^,\s]+, line \d+)[^\n]*", r"\1 (the row's content is not shown)", stderr)


def run(command: list[str], env: dict[str, str], what: str, **kwargs: Any) -> str:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False, **kwargs)  # noqa: S603 - the PostgreSQL tools, fixed arguments  # nosec B603
    if done.returncode != 0:
        raise BackupError(
            f"{what} failed (exit code {done.returncode}):\n{without_row_content(done.stderr).strip()}"
        )
    return str(done.stdout)


def tool_version(database: Database, name: str) -> str:
    return run([database.tool(name), "--version"], database.env(), f"{name} --version").strip()


def server_version(connection: Any) -> str:
    return str(connection.execute("SHOW server_version").fetchone()[0])


def check_dump_tool(tool: str, server: str) -> None:
    if major_of(tool) < major_of(server):
        raise BackupError(
            f"The server is PostgreSQL {server} and {tool.split(' (', maxsplit=1)[0]} is older ({tool}): "
            f"install the client tools of PostgreSQL {major_of(server)} or newer, or give --pg-bin."
        )


def dump(database: Database, directory: Path) -> tuple[str, str, str, dict[str, list[str]], dict[str, int]]:
    """pg_dump -Fc of one snapshot; the server's version, pg_dump's, the migrations and row counts."""
    import psycopg

    tool = tool_version(database, "pg_dump")
    target = directory / FILE
    with database.connect() as connection:
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        connection.read_only = True
        with connection.transaction():
            server = server_version(connection)
            check_dump_tool(tool, server)
            snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
            run(
                [database.tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
                database.env(),
                "pg_dump",
            )
            cursor = connection.cursor()
            cursor.execute("SELECT app, name FROM django_migrations")
            migrations = migrations_from(cursor.fetchall())
            tables = row_counts(cursor, "postgresql")
    target.chmod(0o600)
    return FILE, server, tool, migrations, tables


def check(database: Database, archive: Path) -> list[str]:
    """What is wrong with the archive: pg_restore must be able to read its table of contents."""
    try:
        run([database.tool("pg_restore"), "--list", str(archive)], database.env(), "pg_restore --list")
    except BackupError as error:
        return [f"{archive.name} is not a readable pg_dump archive ({error})"]
    return []


def check_restore_tools(database: Database, dumped_by: str, dumped_from: str) -> None:
    """pg_restore must read the archive's format and the server take its SQL: refuse before
    touching anything when either is older than what made the backup."""
    tool = tool_version(database, "pg_restore")
    tool_version(database, "psql")
    if major_of(tool) < major_of(dumped_by):
        raise BackupError(
            f"The backup was made by {dumped_by}; {tool} cannot read it: install the client tools of "
            f"PostgreSQL {major_of(dumped_by)} or newer, or give --pg-bin."
        )
    with database.connect() as connection:
        server = server_version(connection)
    if major_of(server) < major_of(dumped_from):
        raise BackupError(
            f"The backup is of PostgreSQL {dumped_from} and this server is PostgreSQL {server}: "
            f"restore it into PostgreSQL {major_of(dumped_from)} or newer."
        )


def current_rows(database: Database) -> tuple[int, int]:
    with database.connect() as connection:
        counts = row_counts(connection.cursor(), "postgresql")
    return len(counts), sum(counts.values())


def is_empty(database: Database) -> bool:
    with database.connect() as connection:
        return not table_names(connection.cursor(), "postgresql")


def count_check(tables: dict[str, int]) -> str:
    """SQL that fails (rolling the restore back) unless every table holds the rows counted."""
    checks = "".join(
        f"IF (SELECT count(*) FROM {quote(name)}) <> {int(rows)} THEN "  # noqa: S608 - quoted names, integer counts  # nosec B608
        f"RAISE EXCEPTION 'table % does not hold the rows the manifest counts', {_literal(name)}; END IF; "
        for name, rows in sorted(tables.items())
    )
    # pg_restore's script empties search_path; the tables are in public (docs/operations.md).
    return f"SET search_path TO public; DO $restore_check$ BEGIN {checks}END $restore_check$;"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def restore(database: Database, archive: Path, tables: dict[str, int], replace: bool) -> None:
    """pg_restore's SQL into psql as one transaction: with replace, the schema is dropped and
    made again first; at the end every table's rows are counted against the manifest. Any
    error rolls all of it back."""
    prelude = ["-c", "DROP SCHEMA public CASCADE", "-c", "CREATE SCHEMA public"] if replace else []
    psql = [
        database.tool("psql"), "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--single-transaction",
        *prelude, "--file=-", "-c", count_check(tables),
    ]  # fmt: skip
    pg_restore = [database.tool("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(archive)]
    env = database.env()
    with tempfile.TemporaryFile() as reader_errors:
        with subprocess.Popen(pg_restore, env=env, stdout=subprocess.PIPE, stderr=reader_errors) as reader:  # noqa: S603 - fixed arguments  # nosec B603
            applied = subprocess.run(  # noqa: S603 - fixed arguments  # nosec B603
                psql,
                env=env,
                stdin=reader.stdout,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                check=False,
            )
        reader_errors.seek(0)
        reader_stderr = without_row_content(reader_errors.read().decode(errors="replace")).strip()
    if applied.returncode != 0:
        raise BackupError(
            f"psql failed (exit code {applied.returncode}); the restore was rolled back, nothing changed:\n"
            + without_row_content(applied.stderr.decode(errors="replace")).strip()
            + (f"\npg_restore said:\n{reader_stderr}" if reader_stderr else "")
        )
    if reader.returncode != 0:
        # psql committed, and every table holds the rows the manifest counts.
        raise BackupError(
            f"pg_restore ended with exit code {reader.returncode} after the database was restored and "
            f"its row counts checked: look at what it said before using it:\n{reader_stderr}"
        )
