"""The manifest of a backup: what it holds and the SHA-256 of every file, and the checks a
backup must pass before anything is restored."""

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cshub.core.backup import BackupError

FORMAT = 1
MANIFEST = "manifest.json"
DOCUMENTS = "documents"
ENGINES = ("sqlite", "postgresql")


@dataclass
class Manifest:
    cshub_version: str
    created_at: str  # ISO 8601 with its UTC offset
    engine: str  # "sqlite" or "postgresql"
    database_file: str  # relative to the backup
    server_version: str  # SQLite's library version, or PostgreSQL's server version
    dump_tool: str  # "sqlite3 backup API", or pg_dump's --version
    migrations: dict[str, list[str]]  # app label -> applied migrations, sorted
    tables: dict[str, int]  # table -> rows
    files: dict[str, str]  # relative path -> SHA-256 (the database and every document)

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    @property
    def documents(self) -> list[str]:
        return [name for name in self.files if name.startswith(DOCUMENTS + "/")]


def _body(content: dict[str, Any]) -> str:
    return json.dumps(content, sort_keys=True, indent=2, ensure_ascii=True)


def encode(manifest: Manifest) -> bytes:
    """The manifest file: its fields and the SHA-256 of their canonical text, so a changed
    byte anywhere in it is found."""
    content = {"format": FORMAT, **asdict(manifest)}
    digest = hashlib.sha256(_body(content).encode()).hexdigest()
    return (_body({**content, "manifest_sha256": digest}) + "\n").encode()


def write(directory: Path, manifest: Manifest) -> None:
    path = directory / MANIFEST
    path.write_bytes(encode(manifest))
    path.chmod(0o600)


def read(directory: Path) -> Manifest:
    """The manifest of the backup at directory, refused unless it is exactly as written."""
    path = directory / MANIFEST
    if not directory.is_dir() or not path.is_file():
        raise BackupError(f"{directory} is not a CSHub backup: it has no {MANIFEST}.")
    raw = path.read_bytes()
    damaged = BackupError(
        f"The backup at {directory} is damaged: its {MANIFEST} has been changed or cut short."
    )
    try:
        content = json.loads(raw)
        digest = content.pop("manifest_sha256")
        if content.pop("format") != FORMAT:
            raise BackupError(
                f"The backup at {directory} is in a format this version of CSHub does not read."
            )
        manifest = Manifest(**content)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise damaged from error
    if hashlib.sha256(_body({"format": FORMAT, **asdict(manifest)}).encode()).hexdigest() != digest:
        raise damaged
    if encode(manifest) != raw or manifest.engine not in ENGINES:
        raise damaged
    return manifest


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def files_under(directory: Path) -> list[str]:
    """Every file under directory (not the manifest), as relative paths with '/'."""
    return sorted(
        path.relative_to(directory).as_posix()
        for path in directory.rglob("*")
        if path.is_file() and path.relative_to(directory).as_posix() != MANIFEST
    )


def checksums(directory: Path) -> dict[str, str]:
    return {name: sha256_of(directory / name) for name in files_under(directory)}


def damage(directory: Path, manifest: Manifest) -> list[str]:
    """What is wrong with the files of the backup: missing, added or changed since it was made."""
    present = set(files_under(directory))
    problems = [f"{name} is missing" for name in sorted(set(manifest.files) - present)]
    problems += [f"{name} is not in the manifest" for name in sorted(present - set(manifest.files))]
    for name, expected in sorted(manifest.files.items()):
        if name in present and sha256_of(directory / name) != expected:
            problems.append(f"{name} has changed since the backup was made (its SHA-256 does not match)")
    if manifest.database_file not in manifest.files:
        problems.append("the manifest names no database file")
    return problems


@dataclass
class MigrationCheck:
    unknown: list[str]  # applied in the backup, not in this version of CSHub: refuse
    pending: list[str]  # in this version, not applied in the backup: `cshub migrate` after

    @property
    def matches(self) -> bool:
        return not self.unknown and not self.pending


def compare_migrations(in_backup: dict[str, list[str]], on_disk: set[tuple[str, str]]) -> MigrationCheck:
    applied = {(app, name) for app, names in in_backup.items() for name in names}
    return MigrationCheck(
        unknown=[f"{app}.{name}" for app, name in sorted(applied - on_disk)],
        pending=[f"{app}.{name}" for app, name in sorted(on_disk - applied)],
    )


def code_migrations() -> set[tuple[str, str]]:
    """Every migration of this version of CSHub (and the Django apps it uses), from disk."""
    from django.db.migrations.loader import MigrationLoader

    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def migrations_from(rows: list[tuple[str, str]]) -> dict[str, list[str]]:
    """The django_migrations rows (app, name) as app -> sorted names."""
    state: dict[str, list[str]] = {}
    for app, name in rows:
        state.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(state.items())}
