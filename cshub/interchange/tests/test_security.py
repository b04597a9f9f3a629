"""Findings of the second security review, each pinned by a test."""

import datetime as dt
import stat
import zipfile
from pathlib import Path

import pytest

from cshub.access.actions import create_user
from cshub.interchange.exporter import export
from cshub.interchange.importer import run_import
from cshub.interchange.reader import TooLargeError, read
from cshub.people import actions as people
from cshub.people.models import Person


def files(tmp_path: Path, contents: dict[str, str]) -> Path:
    folder = tmp_path / "upload"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in contents.items():
        (folder / name).write_text(text)
    return folder


def test_a_web_import_cannot_touch_records_its_importer_may_not_see(hub, personas, tmp_path):
    restricted, manager = hub["restricted"], personas["team_manager"]
    # The manager who restricted the record may see it; another manager may not.
    other = create_user("other.manager", agency="SOCIAL_CARE", roles=["team_manager"], actor=None)
    folder = files(
        tmp_path,
        {
            "person.csv": f"pers_person_id,pers_forename,pers_surname,pers_dob\ncsh-{restricted.pk},Renamed,ByImport,2010-01-01\n",
            "missing.csv": f"miss_table_id,miss_person_id,miss_missing_episode_start_date\nNEW1,csh-{restricted.pk},2025-01-01T10:00:00Z\n",
            "professional.csv": f"prof_professional_id,prof_professional_name\ncsh-{personas['sysadmin'].pk},Mallory Impostor\n",
        },
    )
    errors = [str(e) for e in run_import(folder, actor=other).errors]
    assert (
        f"person.csv:2: pers_person_id: no person with id 'csh-{restricted.pk}' that you may change" in errors
    )
    assert (
        "professional.csv:2: prof_professional_id: staff accounts made in CSHub are changed on the Users page"
        in errors
    )
    only_missing = files(
        tmp_path / "m",
        {
            "missing.csv": f"miss_table_id,miss_person_id,miss_missing_episode_start_date\nNEW1,csh-{restricted.pk},2025-01-01T10:00:00Z\n"
        },
    )
    assert [str(e) for e in run_import(only_missing, actor=other).errors] == [
        f"missing.csv:2: miss_person_id: no person with id 'csh-{restricted.pk}' in the import or in CSHub"
    ]
    restricted.refresh_from_db()
    assert restricted.forename == "Tia"
    # The console import (whoever holds the server) may.
    assert run_import(
        files(
            tmp_path,
            {
                "person.csv": f"pers_person_id,pers_forename,pers_surname,pers_dob\ncsh-{restricted.pk},Tia,Cinderwick,{restricted.date_of_birth}\n"
            },
        ),
        actor=None,
    ).ok
    assert manager.has("import_data")


def test_exports_cannot_run_as_spreadsheet_formulas_and_are_private(personas, tmp_path):
    people.create_person(
        people.PersonDetails(
            forename="=HYPERLINK(1)", surname="@SUM(1+1)", date_of_birth=dt.date(2010, 1, 1)
        ),
        actor=personas["practitioner"],
    )
    out = tmp_path / "out"
    export(out, actor=None)
    text = (out / "person.csv").read_text()
    assert "'=HYPERLINK(1)" in text and "'@SUM(1+1)" in text
    assert stat.S_IMODE((out / "person.csv").stat().st_mode) == 0o600
    assert (
        sum(run_import(out, actor=None).counts.updated.values()) == 0
    )  # the apostrophe is removed on import
    assert Person.objects.get(surname="@SUM(1+1)")


def test_zip_members_that_are_not_interchange_files_are_never_read(tmp_path):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("huge.bin", b"0" * 5_000_000)
        zf.writestr("person.csv", "pers_person_id,pers_forename,pers_surname,pers_dob\nC1,A,B,2010-01-01\n")
    parsed = read(archive, max_bytes=1000)
    assert len(parsed.rows("person")) == 1
    with pytest.raises(TooLargeError):
        read(archive, max_bytes=10)
