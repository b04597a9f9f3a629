"""Faults on the embedded SQLite database: locked by a long import, read-only, on a full disk.
Each test runs the app on a SQLite file of its own (a copy of one migrated per test worker),
whatever database the rest of the suite uses: a clear 503 with Retry-After, never a 500,
and nothing half-written."""

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from cshub.access.actions import create_api_token, create_user
from cshub.access.models import User
from cshub.access.testing import sign_in_verified
from cshub.audit.models import AuditEvent
from cshub.core.tests.faults import app_database, fill, migrated_sqlite, tmpfs
from cshub.people.models import Person

NEW_CHILD = {
    "forename": "Zeb",
    "surname": "Quarrington",
    "person_type": "CHILD",
    "date_of_birth_day": "2",
    "date_of_birth_month": "5",
    "date_of_birth_year": "2011",
    "confirmed": "yes",
}


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_sqlite(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    settings.CSHUB_UPLOAD_DIR = tmp_path / "uploads"


@pytest.fixture
def unblocked(django_db_blocker):
    with django_db_blocker.unblock():
        yield


def copy_of(template: Path, directory: Path) -> Path:
    path = directory / "cshub.sqlite3"
    shutil.copyfile(template, path)
    return path


def practitioner() -> tuple[Client, User]:
    user = create_user(
        "kim.practitioner",
        agency="SOCIAL_CARE",
        roles=["practitioner"],
        actor=None,
        password="a-long-password-1",
    )
    return sign_in_verified(Client(), user), user


def assert_unavailable(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    page = response.content.decode()
    assert "Sorry, the service is unavailable" in page and "Try again in a minute" in page
    assert "Traceback" not in page and "sqlite" not in page.lower()


def written_nothing(since: int) -> bool:
    return not Person.objects.exists() and AuditEvent.objects.count() == since


def test_a_write_while_an_import_holds_the_write_lock_answers_503_then_succeeds(
    tmp_path, template, unblocked
):
    path = copy_of(template, tmp_path)
    with app_database(path, timeout=0.2):  # the busy timeout is 20 s in production (CSHUB_SQLITE_TIMEOUT)
        client, user = practitioner()
        _, token = create_api_token(user, "police feed", actor=user)
        events = AuditEvent.objects.count()
        importer = sqlite3.connect(path, isolation_level=None)
        importer.execute("BEGIN IMMEDIATE")  # a long import holds the one write lock of SQLite
        assert_unavailable(client.post("/children/new/", NEW_CHILD))
        api = client.post(
            "/api/v1/missing-episodes/",
            {"person": {"forename": "Zeb", "surname": "Quarrington", "date_of_birth": "2011-05-02"},
             "police_reference": "GMP-1", "reported_at": (timezone.now() - dt.timedelta(hours=2)).isoformat()},
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )  # fmt: skip
        assert api.status_code == 503 and api["Retry-After"] == "60"
        assert api.json() == {"detail": "The service is unavailable: try again in a minute."}
        health = Client().get("/healthz/")  # its write waits at most 2 seconds for the lock
        assert health.status_code == 503
        assert health.content.decode().splitlines() == [
            "database: ok",
            "database write: failed (locked)",
            "uploads: ok",
        ]
        importer.execute("ROLLBACK")
        importer.close()
        assert written_nothing(events)
        assert client.post("/children/new/", NEW_CHILD).status_code == 302  # the same write, now it can
        assert Person.objects.filter(surname="Quarrington").count() == 1


def test_a_read_only_database_answers_503_to_a_write_and_still_shows_what_it_holds(
    tmp_path, template, unblocked, settings
):
    path = copy_of(template, tmp_path)
    with app_database(path):
        client, _ = practitioner()  # signed in while the database could be written
        events = AuditEvent.objects.count()
    read_only = settings.CSHUB_SQLITE_OPTIONS["init_command"] + " PRAGMA query_only=ON;"
    with app_database(path, init_command=read_only):  # a fresh connection that cannot write
        page = client.get("/account/")  # a page that only reads (its session cannot be updated)
        assert page.status_code == 200 and b"Your account" in page.content
        assert_unavailable(client.post("/children/new/", NEW_CHILD))
        health = client.get("/healthz/")
        assert health.status_code == 503
        assert health.content.decode().splitlines() == [
            "database: ok",
            "database write: failed (read-only)",
            "uploads: ok",
        ]
    with app_database(path):
        assert written_nothing(events)


def test_a_database_on_a_full_disk_answers_503_and_writes_nothing(tmp_path, template, unblocked, settings):
    with tmpfs(tmp_path / "disk", size_kb=4096) as disk:
        path = copy_of(template, disk)
        settings.CSHUB_UPLOAD_DIR = disk / "uploads"
        with app_database(path):
            client, _ = practitioner()
            events = AuditEvent.objects.count()
            assert client.get("/account/").status_code == 200
            fillers = [fill(disk)]
            health = Client().get("/healthz/")  # a load balancer's check: no session
            assert health.status_code == 503
            assert health.content.decode().splitlines() == [
                "database: ok",
                "database write: failed (disk full)",
                "uploads: failed (disk full)",
            ]
            assert_unavailable(client.post("/children/new/", NEW_CHILD))
            fillers.append(fill(disk))  # SQLite gave back its journal's space as it rolled back
            # Now not even a read can open the database (its shared-memory file cannot grow):
            # pages answer 503 too, from the middleware that reads the session.
            client.raise_request_exception = False
            assert_unavailable(client.get("/account/"))
            health = Client().get("/healthz/")
            assert health.status_code == 503
            assert health.content.decode().splitlines() == [
                "database: failed (unavailable)",
                "database write: failed (unavailable)",
                "uploads: failed (disk full)",
            ]
            for filler in fillers:
                filler.unlink()
            assert written_nothing(events)
            assert connection.cursor().execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert client.post("/children/new/", NEW_CHILD).status_code == 302  # space again: it saves
            assert Person.objects.filter(surname="Quarrington").count() == 1
            assert client.get("/healthz/").status_code == 200
