"""`cshub backup` then `cshub restore` into a fresh database (a new SQLite file, or a new
database in the same PostgreSQL cluster: CI runs this on both), compared table by table;
and a damaged backup, refused before anything changes."""

import datetime as dt
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cshub.core.tests.backups import documents_of, flip_a_byte, fresh_target, source_digests
from cshub.demo.generator import generate
from cshub.documents import storage
from cshub.documents.models import Document
from cshub.people.models import Person


@pytest.fixture
def documents(settings, tmp_path: Path) -> Path:
    settings.CSHUB_DOCUMENTS_DIR = tmp_path / "documents"
    storage.store(b"%PDF-1.4 a synthetic letter\n")
    storage.store(bytes(range(256)) * 40)
    return Path(settings.CSHUB_DOCUMENTS_DIR)


def test_a_backup_restored_into_a_fresh_database_holds_every_row_and_document(live_db, documents, tmp_path):
    generate(seed=11, today=dt.date(2026, 11, 23), years=1, referrals_per_year=12)
    backup = tmp_path / "backup"
    said = StringIO()
    call_command("backup", str(backup), stdout=said)
    source = source_digests()

    with fresh_target(tmp_path) as target:
        restored = target.cshub("restore", str(backup))
        assert restored.returncode == 0, restored.stderr
        copy = target.digests()
        assert copy.keys() == source.keys()
        for table, (rows, digest) in source.items():
            assert copy[table] == (rows, digest), table
        assert source["people_person"][0] > 12 and source["audit_auditevent"][0] > 100
        # The fixture's two files and each document the synthetic hub holds.
        held = documents_of(documents)
        assert documents_of(target.documents) == held and len(held) == 2 + Document.objects.count()
        # The restored database is at this version's migrations, and CSHub runs on it.
        check = target.cshub("migrate", "--check")
        assert check.returncode == 0, check.stdout + check.stderr

    # What the commands print names tables, counts and paths, never a child.
    printed = said.getvalue() + restored.stdout + restored.stderr
    assert "12 tables" not in printed and "Backup written to" in printed and "Restored" in printed
    for forename, surname in Person.objects.values_list("forename", "surname"):
        assert surname not in printed and forename not in printed


def test_a_damaged_backup_is_refused_and_nothing_changes(db, documents, tmp_path):
    good = tmp_path / "good"
    call_command("backup", str(good), stdout=StringIO())
    with fresh_target(tmp_path) as target:
        first = target.cshub("restore", str(good))
        assert first.returncode == 0, first.stderr
        (target.documents / "added-since").write_bytes(b"a document added after the restore\n")
        before = target.state()

        for part in ("database", "document", "manifest"):
            damaged = tmp_path / f"damaged-{part}"
            shutil.copytree(good, damaged)
            name = {
                "database": next(p.name for p in damaged.iterdir() if p.name.startswith("database.")),
                "document": "documents/" + sorted(p.name for p in (damaged / "documents").iterdir())[0],
                "manifest": "manifest.json",
            }[part]
            flip_a_byte(damaged / name)

            with pytest.raises(CommandError) as verify:
                call_command("backup", "--verify", str(damaged), stdout=StringIO())
            assert f"The backup at {damaged} is damaged" in str(verify.value)
            if part != "manifest":
                assert f"{name} has changed since the backup was made" in str(verify.value)

            refused = target.cshub("restore", str(damaged), "--force")
            assert refused.returncode == 1, part
            assert "is damaged" in refused.stderr and "Nothing was restored." in refused.stderr
            assert "Restoring" not in refused.stdout
            assert target.state() == before, part

    call_command("backup", "--verify", str(good), stdout=StringIO())
