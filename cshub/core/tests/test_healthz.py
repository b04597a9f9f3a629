"""/healthz/ says which part works: the database answers a read and a write, uploads can be stored."""

import pytest
from django.test import Client

from cshub.core.models import Heartbeat
from cshub.core.tests.faults import fill, tmpfs

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    settings.CSHUB_UPLOAD_DIR = tmp_path / "uploads"


def test_all_parts_work():
    response = Client().get("/healthz/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    assert response.content.decode().splitlines() == ["database: ok", "database write: ok", "uploads: ok"]
    # The write is to one row that holds nothing but when it was last written.
    assert [f.name for f in Heartbeat._meta.get_fields()] == ["id", "checked_at"]
    assert Heartbeat.objects.count() == 1
    Client().get("/healthz/")
    assert Heartbeat.objects.count() == 1


def test_as_json_when_asked():
    response = Client().get("/healthz/", headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "database write": "ok", "uploads": "ok"}


def test_uploads_on_a_full_disk(settings, tmp_path):
    with tmpfs(tmp_path / "disk", size_kb=64) as disk:
        settings.CSHUB_UPLOAD_DIR = disk / "uploads"
        settings.CSHUB_UPLOAD_DIR.mkdir()
        fill(disk)
        response = Client().get("/healthz/")
        assert response.status_code == 503 and response["Retry-After"] == "60"
        assert response.content.decode().splitlines() == [
            "database: ok",
            "database write: ok",
            "uploads: failed (disk full)",
        ]
        assert sorted(p.name for p in disk.iterdir()) == ["filler", "uploads"]
        assert not any(settings.CSHUB_UPLOAD_DIR.iterdir())  # its test file is gone too
