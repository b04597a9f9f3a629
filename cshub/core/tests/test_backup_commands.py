"""`cshub backup` and `cshub restore`: their arguments and their refusals."""

import json
from dataclasses import replace
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cshub.core.backup import BackupError
from cshub.core.backup.manifest import compare_migrations, encode, read
from cshub.core.backup.postgres import Database, check_dump_tool, major_of
from cshub.core.tests.backups import fresh_target


@pytest.fixture
def backup(db, settings, tmp_path: Path) -> Path:
    settings.CSHUB_DOCUMENTS_DIR = tmp_path / "documents"
    path = tmp_path / "backup"
    call_command("backup", str(path), stdout=StringIO())
    return path


def test_backup_refuses_a_directory_that_exists(db, tmp_path):
    (tmp_path / "there").mkdir()
    with pytest.raises(CommandError, match="already exists: give a new directory"):
        call_command("backup", str(tmp_path / "there"), stdout=StringIO())


def test_backup_refuses_a_directory_and_verify_together(tmp_path):
    with pytest.raises(CommandError, match="not both"):
        call_command("backup", str(tmp_path / "a"), "--verify", str(tmp_path / "b"), stdout=StringIO())


def test_backup_refuses_to_go_on_from_a_backup_that_did_not_finish(db, tmp_path):
    (tmp_path / "nightly.partial").mkdir()
    with pytest.raises(CommandError, match="did not finish: delete it"):
        call_command("backup", str(tmp_path / "nightly"), stdout=StringIO())
    assert not (tmp_path / "nightly").exists()


def test_verify_refuses_what_is_not_a_backup(tmp_path):
    with pytest.raises(CommandError, match=r"is not a CSHub backup: it has no manifest\.json"):
        call_command("backup", "--verify", str(tmp_path), stdout=StringIO())


def test_backup_writes_a_manifest_and_verify_accepts_it(backup):
    manifest = read(backup)
    assert manifest.database_file in manifest.files and manifest.tables["access_role"] > 0
    assert manifest.migrations["people"] and manifest.created_at.endswith("+00:00")
    assert oct(backup.stat().st_mode & 0o777) == "0o700"
    said = StringIO()
    call_command("backup", "--verify", str(backup), stdout=said)
    assert "is complete and undamaged" in said.getvalue()


def test_a_file_added_to_or_missing_from_a_backup_is_damage(backup):
    (backup / "documents" / "stray").write_bytes(b"x")
    with pytest.raises(CommandError, match="documents/stray is not in the manifest"):
        call_command("backup", "--verify", str(backup), stdout=StringIO())
    (backup / "documents" / "stray").unlink()
    manifest = read(backup)
    (backup / manifest.database_file).unlink()
    with pytest.raises(CommandError, match=f"{manifest.database_file} is missing"):
        call_command("backup", "--verify", str(backup), stdout=StringIO())


def rewrite(backup: Path, **changes) -> None:
    """Change the manifest as a backup made elsewhere would have it (a valid manifest)."""
    (backup / "manifest.json").write_bytes(encode(replace(read(backup), **changes)))


def test_restore_refuses_a_backup_of_a_newer_cshub_and_changes_nothing(backup, tmp_path):
    manifest = read(backup)
    rewrite(
        backup,
        cshub_version="9.0.0",
        migrations={
            **manifest.migrations,
            "people": [*manifest.migrations["people"], "9999_from_the_future"],
        },
    )
    with fresh_target(tmp_path) as target:
        refused = target.cshub("restore", str(backup))
        assert refused.returncode == 1
        assert (
            "made by a newer CSHub (9.0.0)" in refused.stderr
            and "people.9999_from_the_future" in refused.stderr
        )
        assert "Nothing was restored." in refused.stderr
        assert target.state() == ({}, {})


def test_restore_refuses_a_backup_of_the_other_engine(backup, tmp_path):
    other = {"sqlite": "postgresql", "postgresql": "sqlite"}[read(backup).engine]
    rewrite(backup, engine=other)
    with fresh_target(tmp_path) as target:
        refused = target.cshub("restore", str(backup))
        assert refused.returncode == 1
        assert f"The backup is of a {other} database" in refused.stderr
        assert target.state() == ({}, {})


def test_restore_needs_force_to_replace_data_and_warns(backup, tmp_path):
    with fresh_target(tmp_path) as target:
        assert target.cshub("restore", str(backup)).returncode == 0
        before = target.state()
        refused = target.cshub("restore", str(backup))
        assert refused.returncode == 1
        assert "Restoring would replace what is there now" in refused.stderr
        assert "give --force to replace them. Nothing was restored." in refused.stderr
        assert target.state() == before
        forced = target.cshub("restore", str(backup), "--force")
        assert forced.returncode == 0, forced.stderr
        assert "WARNING: --force:" in forced.stderr and "what is there now will be lost" in forced.stderr
        assert target.state() == before


def test_migrations_compared_with_the_code():
    code = {("people", "0001_initial"), ("people", "0002_names")}
    older = compare_migrations({"people": ["0001_initial"]}, code)
    assert older.pending == ["people.0002_names"] and not older.unknown
    newer = compare_migrations({"people": ["0001_initial", "0002_names", "0003_more"]}, code)
    assert newer.unknown == ["people.0003_more"] and not newer.pending
    assert compare_migrations({"people": ["0001_initial", "0002_names"]}, code).matches


def test_a_changed_manifest_is_refused_even_when_it_is_valid_json(backup):
    content = json.loads((backup / "manifest.json").read_bytes())
    content["tables"]["access_role"] += 1
    (backup / "manifest.json").write_text(json.dumps(content, sort_keys=True, indent=2) + "\n")
    with pytest.raises(BackupError, match=r"its manifest\.json has been changed"):
        read(backup)


def test_postgres_tools_older_than_the_server_are_refused():
    assert major_of("pg_dump (PostgreSQL) 15.10 (Debian 15.10-0+deb12u1)") == 15
    assert major_of("16.4 (Debian 16.4-1.pgdg120+1)") == 16
    check_dump_tool("pg_dump (PostgreSQL) 16.4", "15.18 (Debian 15.18-0+deb12u1)")
    with pytest.raises(BackupError, match="install the client tools of PostgreSQL 16 or newer"):
        check_dump_tool("pg_dump (PostgreSQL) 15.10", "16.4 (Debian 16.4-1.pgdg120+1)")


def test_a_missing_postgres_tool_is_named(tmp_path):
    with pytest.raises(
        BackupError, match=r"pg_dump was not found in .*: install the PostgreSQL client tools"
    ):
        Database({"NAME": "cshub"}, tmp_path).tool("pg_dump")


def test_postgres_messages_are_shown_without_the_row_a_failed_copy_quotes():
    from cshub.core.backup.postgres import without_row_content

    stderr = (
        'ERROR:  invalid input syntax for type date: "2011-13-02"\n'
        'CONTEXT:  COPY people_person, line 7, column date_of_birth: "2011-13-02"\n'
    )
    shown = without_row_content(stderr)
    assert "COPY people_person, line 7 (the row's content is not shown)" in shown
    assert "column date_of_birth" not in shown and shown.startswith("ERROR:  invalid input syntax")


def test_a_sqlite_backup_is_one_snapshot_taken_while_a_writer_writes(tmp_path):
    """The server keeps writing during a backup (WAL): the backup waits for nobody and holds
    what was committed when it started, not a half-written transaction."""
    import sqlite3
    from contextlib import closing

    from cshub.core.backup import sqlite as sqlite_backup

    live = tmp_path / "live.sqlite3"
    with closing(sqlite3.connect(live, isolation_level=None)) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT)")
        setup.execute("INSERT INTO note (body) VALUES ('committed')")
    with closing(sqlite3.connect(live, isolation_level=None)) as writer:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO note (body) VALUES ('not yet committed')")
        (tmp_path / "out").mkdir()
        snapshot = sqlite_backup.dump(live, tmp_path / "out", timeout=0.5)
        writer.execute("COMMIT")
    assert snapshot.tables == {"note": 1}
    with closing(sqlite3.connect(tmp_path / "out" / snapshot.file)) as copy:
        assert copy.execute("SELECT body FROM note").fetchall() == [("committed",)]
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
