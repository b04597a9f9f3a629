"""Uploaded import files hold personal data: none is left behind by a full disk, and those
nobody confirmed are swept on start, on a schedule and from the Imports page."""

import io
import os
import runpy
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from cshub.core.tests.faults import tmpfs
from cshub.interchange import uploads
from cshub.interchange.models import ImportRun
from cshub.interchange.tests.test_import_export import GOOD
from cshub.people.models import Person


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    settings.CSHUB_UPLOAD_DIR = tmp_path / "uploads"
    settings.CSHUB_UPLOAD_DIR.mkdir()


def test_an_upload_the_disk_cannot_hold_leaves_no_file_and_imports_nothing(client_for, settings, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in GOOD.items():
            archive.writestr(name, text)
        archive.writestr("notes.txt", os.urandom(512 * 1024))  # larger than the disk: it fills mid-write
    with tmpfs(tmp_path / "disk", size_kb=256) as disk:
        settings.CSHUB_UPLOAD_DIR = disk / "uploads"
        manager = client_for("team_manager")
        response = manager.post("/imports/", {"files": SimpleUploadedFile("history.zip", buffer.getvalue())})
        assert response.status_code == 503 and response["Retry-After"] == "60"
        page = response.content.decode()
        assert "The files could not be stored: the server has no space left." in page
        assert "Nothing was imported" in page
        assert not any(settings.CSHUB_UPLOAD_DIR.iterdir())  # no partial file left
        assert "cshub_pending_import" not in manager.session
    assert not ImportRun.objects.exists() and not Person.objects.exists()


def _upload(settings, name: str, hours_old: float) -> None:
    folder = settings.CSHUB_UPLOAD_DIR / name
    folder.mkdir()
    (folder / "history.zip").write_bytes(b"PK")
    then = time.time() - hours_old * 3600
    os.utime(folder, (then, then))


def _left(settings) -> list[str]:
    return sorted(p.name for p in settings.CSHUB_UPLOAD_DIR.iterdir())


def test_uploads_older_than_the_longest_session_are_swept_by_the_command(settings):
    settings.CSHUB_SESSION_MAX_HOURS = 12
    _upload(settings, "a" * 32, hours_old=13)  # its session has ended: nobody can confirm it
    _upload(settings, "b" * 32, hours_old=11)  # may still be confirmed
    out = io.StringIO()
    call_command("sweep-uploads", stdout=out)
    assert _left(settings) == ["b" * 32]
    assert out.getvalue().strip() == "Deleted 1 upload nobody confirmed or cancelled."


def test_uploads_are_swept_when_the_web_server_starts(settings):
    settings.CSHUB_SESSION_MAX_HOURS = 12
    _upload(settings, "a" * 32, hours_old=13)
    _upload(settings, "b" * 32, hours_old=1)
    runpy.run_module("cshub.wsgi")  # what gunicorn, mod_wsgi and `cshub runserver` load
    assert _left(settings) == ["b" * 32]


@pytest.mark.django_db
def test_the_imports_page_sweeps_at_most_once_an_hour(client_for, settings, monkeypatch):
    monkeypatch.setattr(uploads, "_last_sweep", None)  # as in a process that has not swept yet
    settings.CSHUB_SESSION_MAX_HOURS = 12
    _upload(settings, "a" * 32, hours_old=13)
    manager = client_for("team_manager")
    assert manager.get("/imports/").status_code == 200
    assert _left(settings) == []
    _upload(settings, "c" * 32, hours_old=13)
    manager.get("/imports/")
    assert _left(settings) == ["c" * 32]  # swept less than an hour ago: not again yet
