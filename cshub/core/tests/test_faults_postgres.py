"""Faults on PostgreSQL 15, with a cluster of the test's own (in both CI passes) and the app
served from it in a subprocess, keeping its connection between requests (CONN_MAX_AGE=60):
PostgreSQL stopped in the middle of a request and started again, and a read-only database."""

import datetime as dt
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, suppress
from pathlib import Path

import pytest

from cshub.access import cookies
from cshub.core.tests.faults import Answer, Cluster, Server, cshub, env_for, http

UNAVAILABLE = {"detail": "The service is unavailable: try again in a minute."}


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    directory = Path(tempfile.mkdtemp(prefix="cshub-faults-pg-"))  # the postgres user must reach it
    cluster = Cluster(directory)
    try:
        cluster.init()
        cshub(env_for(cluster.url(), directory / "var"), "migrate", "--verbosity", "0")
        yield cluster
    finally:
        with suppress(Exception):
            cluster.stop()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def served(cluster: Cluster, tmp_path: Path, request) -> Iterator[tuple[Server, dict[str, str]]]:
    """The app served from the cluster, and the API token of a police officer."""
    if not cluster.running():  # a test that failed half-way may have left it stopped
        cluster.start()
    env = env_for(cluster.url(), tmp_path, CONN_MAX_AGE="60")
    username = re.sub(r"\W", "", request.node.name)[-40:]
    out = cshub(env, "user", "add", username, "--agency", "POLICE", "--role", "practitioner", "--api-token")
    token = out.rsplit(": ", 1)[1].strip()
    server = Server(env)
    server.start()
    try:
        yield server, {"Authorization": f"Bearer {token}"}
    finally:
        server.stop()


def wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, "the condition never came true"
        time.sleep(0.05)


def end_sessions(admin) -> None:
    """End every session on the cshub database (the app's kept connection among them)."""
    sessions = "FROM pg_stat_activity WHERE datname = 'cshub'"
    admin.execute(f"SELECT pg_terminate_backend(pid) {sessions}")
    wait_until(lambda: admin.execute(f"SELECT count(*) {sessions}").fetchone()[0] == 0)


def report(reference: str) -> dict[str, object]:
    return {
        "person": {"forename": "Zeb", "surname": "Quarrington", "date_of_birth": "2011-05-02"},
        "police_reference": reference,
        "reported_at": (dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)).isoformat(),
    }


def assert_unavailable(answer: Answer) -> None:
    assert answer.status == 503 and answer.headers["Retry-After"] == "60"
    assert answer.json() == UNAVAILABLE


def test_postgres_stopped_in_the_middle_of_a_request_then_started_again(cluster, served):
    server, auth = served
    children = server.url + "/api/v1/children/"
    assert http(children, headers=auth).status == 200
    # Hold a lock the next request needs, so that PostgreSQL stops while it is inside the database.
    # (closing(): leaving a psycopg connection as a context commits, and it will be dead.)
    with (
        closing(cluster.connect()) as holder,
        closing(cluster.connect()) as watcher,
        ThreadPoolExecutor(1) as pool,
    ):
        holder.execute("BEGIN")
        holder.execute("LOCK TABLE access_apitoken IN ACCESS EXCLUSIVE MODE")
        pending = pool.submit(http, children, headers=auth)
        wait_until(
            lambda: watcher.execute("SELECT count(*) FROM pg_locks WHERE NOT granted").fetchone()[0] > 0
        )
        cluster.stop()
        assert_unavailable(pending.result())
    assert server.alive()
    # While it is down: every request answers 503, pages as well as the API, and the server stays up.
    assert_unavailable(http(children, headers=auth))
    page = http(
        server.url + "/account/", headers={"Cookie": f"{cookies.SESSION}=" + "a" * 32}
    )  # sessions are in the database
    assert page.status == 503 and page.headers["Retry-After"] == "60"
    assert "Sorry, the service is unavailable" in page.body and "Traceback" not in page.body
    health = http(server.url + "/healthz/")
    assert health.status == 503 and health.body.splitlines()[0] == "database: failed (unavailable)"
    cluster.start()
    assert http(children, headers=auth).status == 200  # recovered, without restarting the app
    assert http(server.url + "/healthz/").status == 200
    # Restarted between two requests: the kept connection is dead, and is replaced before use.
    cluster.stop()
    cluster.start()
    assert http(children, headers=auth).status == 200
    assert server.alive()


def test_a_read_only_postgres_database(cluster, served):
    server, auth = served
    children = server.url + "/api/v1/children/"
    missing = server.url + "/api/v1/missing-episodes/"
    assert http(children, headers=auth).status == 200
    with cluster.connect("postgres") as admin:
        # So that the reads below need not record when the token was last used (once a minute).
        with cluster.connect() as db:
            db.execute("UPDATE access_apitoken SET last_used_at = now() + interval '1 day'")
        admin.execute("ALTER DATABASE cshub SET default_transaction_read_only = on")
        try:
            end_sessions(admin)  # as after a fail-over to a standby: the app's new connection cannot write
            assert http(children, headers=auth).status == 200  # reads still work
            assert_unavailable(http(missing, "POST", report("GMP-RO-1"), headers=auth))
            health = http(server.url + "/healthz/")
            assert health.status == 503
            assert health.body.splitlines() == [
                "database: ok",
                "database write: failed (read-only)",
                "uploads: ok",
            ]
        finally:
            admin.execute("ALTER DATABASE cshub RESET default_transaction_read_only")
            end_sessions(admin)
    with cluster.connect() as db:
        assert db.execute("SELECT count(*) FROM people_person").fetchone() == (0,)  # nothing half-written
        assert db.execute("SELECT count(*) FROM missing_missingepisode").fetchone() == (0,)
    assert http(missing, "POST", report("GMP-RO-1"), headers=auth).status == 201
    assert server.alive()
