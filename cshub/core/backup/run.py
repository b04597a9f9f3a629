"""Backup, verify and restore, as `cshub backup` and `cshub restore` call them. What they
print names files, tables and counts, never a record's content."""

import datetime as dt
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone

from cshub.core.backup import BackupError, postgres, sqlite
from cshub.core.backup.manifest import (
    DOCUMENTS,
    Manifest,
    MigrationCheck,
    checksums,
    code_migrations,
    compare_migrations,
    damage,
    files_under,
    read,
    write,
)
from cshub.core.dates import format_datetime

Say = Callable[[str], None]


def cshub_version() -> str:
    try:
        return version("cshub")
    except PackageNotFoundError:  # pragma: no cover - run from a checkout without installing
        return "unknown"


def engine() -> str:
    vendor = connections["default"].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"CSHub backs up SQLite and PostgreSQL databases, not {vendor}.")
    return vendor


def database_settings() -> dict[str, Any]:
    return dict(connections["default"].settings_dict)


def sqlite_timeout() -> float:
    return float(database_settings().get("OPTIONS", {}).get("timeout", 20))


def documents_dir() -> Path:
    return Path(settings.CSHUB_DOCUMENTS_DIR)


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


def _size(total: int) -> str:
    return f"{total / 2**20:.1f} MB"


def default_destination() -> Path:
    stamp = timezone.now().strftime("%Y%m%d-%H%M%SZ")
    return Path(settings.VAR_DIR) / "backups" / f"cshub-{stamp}"


def backup(destination: Path, *, pg_bin: Path | None, say: Say) -> Manifest:
    """Write a backup to destination (a new directory): the database, then the documents (so
    every document the database names is there), then the manifest. It is written under
    destination.partial and renamed when complete: a backup that failed half-way is never
    taken for one that did not."""
    kind = engine()
    if destination.exists():
        raise BackupError(f"{destination} already exists: give a new directory for the backup.")
    partial = destination.with_name(destination.name + ".partial")
    if partial.exists():
        raise BackupError(f"{partial} is left from a backup that did not finish: delete it, then try again.")
    partial.mkdir(mode=0o700, parents=True)
    try:
        started = timezone.now()
        say(f"Backing up the {kind} database…")
        if kind == "sqlite":
            snap = sqlite.dump(Path(database_settings()["NAME"]), partial, sqlite_timeout())
            database_file, server, tool = snap.file, snap.server_version, snap.dump_tool
            migrations, tables = snap.migrations, snap.tables
        else:
            database = postgres.Database(database_settings(), pg_bin)
            database_file, server, tool, migrations, tables = postgres.dump(database, partial)
        say(f"  {len(tables)} tables, {sum(tables.values()):,} rows")
        source = documents_dir()
        if source.is_dir():
            say("Copying the documents…")
            shutil.copytree(source, partial / DOCUMENTS, copy_function=shutil.copy2)
        else:
            (partial / DOCUMENTS).mkdir(mode=0o700)
        say("Computing the SHA-256 of every file…")
        manifest = Manifest(
            cshub_version=cshub_version(),
            created_at=started.isoformat(),
            engine=kind,
            database_file=database_file,
            server_version=server,
            dump_tool=tool,
            migrations=migrations,
            tables=tables,
            files=checksums(partial),
        )
        write(partial, manifest)
        partial.rename(destination)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    size = sum((destination / name).stat().st_size for name in manifest.files)
    say(
        f"Backup written to {destination}: {len(tables)} tables ({manifest.rows:,} rows), "
        f"{plural(len(manifest.documents), 'document')}, {_size(size)} in all."
    )
    return manifest


def verify(path: Path, *, pg_bin: Path | None) -> Manifest:
    """The backup's manifest, once every file is as the manifest says and the database copy
    can be read; else BackupError saying what is wrong."""
    manifest = read(path)
    problems = damage(path, manifest)
    if not problems:
        database_file = path / manifest.database_file
        if manifest.engine == "sqlite":
            problems = sqlite.check(database_file, manifest.tables)
        else:
            problems = postgres.check(postgres.Database(database_settings(), pg_bin), database_file)
    if problems:
        raise BackupError(
            f"The backup at {path} is damaged:\n" + "\n".join(f"  - {problem}" for problem in problems)
        )
    return manifest


def describe(manifest: Manifest) -> str:
    made = format_datetime(dt.datetime.fromisoformat(manifest.created_at))
    return (
        f"made {made} (UK time) by CSHub {manifest.cshub_version} from {manifest.engine} "
        f"{manifest.server_version}: {len(manifest.tables)} tables ({manifest.rows:,} rows), "
        f"{plural(len(manifest.documents), 'document')}"
    )


@dataclass
class Restored:
    manifest: Manifest
    migrations: MigrationCheck
    replaced: list[str] = field(default_factory=list)


def restore(path: Path, *, force: bool, pg_bin: Path | None, say: Say, warn: Say) -> Restored:
    """Restore the backup at path into the configured database and documents directory.
    Everything is checked before anything is touched: the backup (verify), that this version
    of CSHub knows every migration it holds, the tools' versions, and that the database and
    the documents directory are empty (or force)."""
    kind = engine()
    say(f"Checking the backup at {path}…")
    try:
        if read(path).engine != kind:
            raise BackupError(
                f"The backup is of a {read(path).engine} database and CSHub is configured for {kind} "
                "(DATABASE_URL): restore it into the same kind of database."
            )
        manifest = verify(path, pg_bin=pg_bin)
    except BackupError as error:
        raise BackupError(f"{error}\nNothing was restored.") from error
    say(f"  {describe(manifest)}")
    migrations = compare_migrations(manifest.migrations, code_migrations())
    if migrations.unknown:
        raise BackupError(
            f"The backup was made by a newer CSHub ({manifest.cshub_version}): it holds migrations this "
            f"version does not have ({', '.join(migrations.unknown[:5])}"
            f"{' …' if len(migrations.unknown) > 5 else ''}). Install CSHub {manifest.cshub_version} "
            "to restore it. Nothing was restored."
        )
    connections.close_all()
    target_documents = documents_dir()
    existing_documents = files_under(target_documents) if target_documents.is_dir() else []
    if kind == "sqlite":
        target = Path(database_settings()["NAME"])
        database_empty = sqlite.is_empty(target)
        where = f"SQLite database {target}"
        tables, rows = (0, 0) if database_empty else sqlite.current_rows(target)
    else:
        database = postgres.Database(database_settings(), pg_bin)
        postgres.check_restore_tools(database, manifest.dump_tool, manifest.server_version)
        database_empty = postgres.is_empty(database)
        where = f"PostgreSQL database {database.name}"
        tables, rows = (0, 0) if database_empty else postgres.current_rows(database)
    replaced = []
    if not database_empty:
        replaced.append(f"the {where} ({tables} tables, {rows:,} rows)")
    if existing_documents:
        replaced.append(
            f"the documents directory {target_documents} ({plural(len(existing_documents), 'file')})"
        )
    if replaced and not force:
        raise BackupError(
            "Restoring would replace what is there now: "
            + " and ".join(replaced)
            + ". Restore into an empty database and documents directory, or give --force to replace them. "
            "Nothing was restored."
        )
    for what in replaced:
        warn(f"WARNING: --force: {what} will be replaced by the backup; what is there now will be lost.")

    # The documents are copied into a hidden directory inside their directory first (the same
    # file system, even when the directory is a mount point); the database is restored (one
    # transaction); only then do the copied documents take the place of those there.
    token = secrets.token_hex(4)
    target_documents.mkdir(parents=True, exist_ok=True, mode=0o700)
    staged = target_documents / f".restoring-{token}"
    shutil.copytree(path / DOCUMENTS, staged, copy_function=shutil.copy2)
    try:
        say(f"Restoring the {where}…")
        if kind == "sqlite":
            sqlite.restore(path / manifest.database_file, target, manifest.tables, sqlite_timeout())
        else:
            postgres.restore(
                database, path / manifest.database_file, manifest.tables, replace=not database_empty
            )
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    say(f"Restoring {plural(len(manifest.documents), 'document')} to {target_documents}…")
    replaced_documents = target_documents / f".replaced-{token}"
    replaced_documents.mkdir()
    for entry in list(target_documents.iterdir()):
        if entry not in (staged, replaced_documents):
            entry.rename(replaced_documents / entry.name)
    for entry in list(staged.iterdir()):
        entry.rename(target_documents / entry.name)
    staged.rmdir()
    shutil.rmtree(replaced_documents)
    target_documents.chmod(0o700)
    return Restored(manifest, migrations, replaced)
