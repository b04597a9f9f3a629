import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cshub.audit.models import Action, AuditEvent
from cshub.interchange.models import ImportRun
from cshub.interchange.tests.test_import_export import GOOD
from cshub.people.models import Person


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    settings.CSHUB_UPLOAD_DIR = tmp_path / "uploads"


def _zip(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return SimpleUploadedFile("history.zip", buffer.getvalue(), content_type="application/zip")


def test_upload_check_confirm_and_see_what_changed(client_for, personas, settings):
    manager = client_for("team_manager")
    assert manager.post("/imports/", {"files": _zip(GOOD)})["Location"] == "/imports/review/"
    review = manager.get("/imports/review/").content.decode()
    assert "The files have no errors" in review and "Import these records" in review
    assert "extra_col: unknown column, ignored" in review
    response = manager.post("/imports/confirm/", {"decision": "import"})
    run = ImportRun.objects.latest("started_at")
    assert response["Location"] == f"/imports/{run.pk}/"
    assert run.actor == personas["team_manager"]
    assert Person.objects.filter(source_id="C1").exists()
    assert AuditEvent.objects.filter(action=Action.IMPORT, actor=personas["team_manager"]).exists()
    page = manager.get(response["Location"]).content.decode()
    assert "Created" in page and "People" in page and "Missing episodes" in page  # in words, not table keys
    assert not any((settings.CSHUB_UPLOAD_DIR).iterdir())  # the uploaded files are deleted


def test_files_with_errors_cannot_be_imported(client_for):
    manager = client_for("team_manager")
    bad = {"person.csv": "pers_person_id,pers_forename,pers_surname,pers_dob\nC1,Kofi,Ashcombe,2010-13-01\n"}
    manager.post("/imports/", {"files": SimpleUploadedFile("person.csv", bad["person.csv"].encode())})
    review = manager.get("/imports/review/").content.decode()
    assert "1 problem found: nothing can be imported" in review
    assert "is not a real date" in review and "Import these records" not in review
    manager.post("/imports/confirm/", {"decision": "import"})
    assert not Person.objects.exists()


def test_cancel_deletes_the_upload(client_for, settings):
    manager = client_for("team_manager")
    manager.post("/imports/", {"files": _zip(GOOD)})
    manager.post("/imports/confirm/", {"decision": "cancel"})
    assert not Person.objects.exists()
    assert not any(settings.CSHUB_UPLOAD_DIR.iterdir())


def test_only_zip_or_csv_files(client_for):
    response = client_for("team_manager").post("/imports/", {"files": SimpleUploadedFile("notes.docx", b"x")})
    assert (
        response.status_code == 400
        and b"one .zip file, CSV files (.csv) or a CIN census (.xml)" in response.content
    )
    assert b"Select a .zip file" in client_for("team_manager").post("/imports/", {}).content


def test_the_childs_record_shows_the_imports_that_changed_it(client_for, personas, tmp_path):
    from cshub.interchange.importer import run_import
    from cshub.interchange.tests.test_import_export import folder

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = run_import(folder(tmp_path / "a", GOOD), actor=None)
    changed = dict(GOOD)
    changed["csh_referral.csv"] = GOOD["csh_referral.csv"].replace(
        "R2,C2,2024-06-01,CSE,,PENDING,,", "R2,C2,2024-06-01,CSE,,NFA,2024-06-03,No indicators"
    )
    second = run_import(folder(tmp_path / "b", changed), actor=personas["team_manager"])
    ava = Person.objects.get(source_id="C2")
    page = client_for("team_manager").get(f"/children/{ava.pk}/access/").content.decode()
    section = page.rsplit("Imports that created or changed this record", 1)[1]  # from the caption
    assert f'href="/imports/{first.run.pk}/"' in section and f'href="/imports/{second.run.pk}/"' in section
    assert (
        "1 person, 1 referral" in section
        and "Referral: decision, decision date, decision rationale" in section
    )
    assert personas["team_manager"].get_full_name() in section and "The cshub import command" in section
