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
    assert b"Created" in manager.get(response["Location"]).content
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
    assert response.status_code == 400 and b"one .zip file or CSV files" in response.content
    assert b"Select a .zip file" in client_for("team_manager").post("/imports/", {}).content
