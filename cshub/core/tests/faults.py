"""Helpers for the fault tests: a small file system that fills up (tmpfs: the tests run as
root, here and in CI), a file-based SQLite database the app uses in place of the test
database, a throwaway PostgreSQL 15 cluster and the app served from it in a subprocess."""

import errno
import gc
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend

REPO = Path(__file__).resolve().parents[3]
PG_BIN = Path("/usr/lib/postgresql/15/bin")
SECRET = "fault-test-secret-key-not-for-any-deployment-0123456789abcdef"


# --- A full disk -------------------------------------------------------------------------------


@contextmanager
def tmpfs(path: Path, size_kb: int) -> Iterator[Path]:
    """A tmpfs of size_kb mounted at path, unmounted afterwards."""
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k,mode=0700", "tmpfs", str(path)], check=True
    )
    try:
        yield path
    finally:
        gc.collect()  # a connection that failed half-way open may still hold a file there
        if subprocess.run(["umount", str(path)], check=False, capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(path)], check=True)


def fill(directory: Path) -> Path:
    """Fill the file system of directory until no byte more fits; return the filler file."""
    filler = directory / "filler"
    while filler.exists():
        filler = filler.with_name(filler.name + "+")
    with filler.open("wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
    return filler


# --- The app on a file-based SQLite database -------------------------------------------------


def env_for(database_url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a `cshub` subprocess: production settings, on database_url."""
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "CSHUB_DEMO", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="cshub.settings",
        DATABASE_URL=database_url,
        SECRET_KEY=SECRET,
        SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS="127.0.0.1",
        CSHUB_VAR_DIR=str(var_dir),
        LOG_LEVEL="CRITICAL",
        **extra,
    )
    return env


def cshub(env: dict[str, str], *args: str) -> str:
    """Run a `cshub` command in a subprocess; its output."""
    done = subprocess.run(
        [sys.executable, "-m", "cshub", *args], env=env, cwd=REPO, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def migrated_sqlite(directory: Path) -> Path:
    """A SQLite database file with every migration applied (and the seeded roles)."""
    path = directory / "template.sqlite3"
    cshub(env_for(f"sqlite:///{path}", directory), "migrate", "--verbosity", "0")
    return path


@contextmanager
def app_database(path: Path, **options: Any) -> Iterator[BaseDatabaseWrapper]:
    """The app (pages, actions, the test client) uses the SQLite file at path in place of the
    test database, with the settings' SQLite options (options override them)."""
    previous = connections["default"]
    settings_dict = {
        **previous.settings_dict,
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "OPTIONS": {**settings.CSHUB_SQLITE_OPTIONS, **options},
    }
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "default")
    connections["default"] = wrapper
    ContentType.objects.clear_cache()
    try:
        yield wrapper
    finally:
        wrapper.close()
        connections["default"] = previous
        ContentType.objects.clear_cache()


# --- HTTP to a served app ------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str

    def json(self) -> Any:
        return json.loads(self.body)


def http(url: str, method: str = "GET", body: Any = None, headers: dict[str, str] | None = None) -> Answer:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})  # noqa: S310 - http to 127.0.0.1
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310  (127.0.0.1 only)
            return Answer(response.status, dict(response.headers), response.read().decode())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers), error.read().decode())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """`cshub runserver` in a subprocess: one thread, so its database connection persists
    between requests (CONN_MAX_AGE) as it does in a production worker."""

    env: dict[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cshub",
                "runserver",
                "--noreload",
                "--nothreading",
                f"127.0.0.1:{self.port}",
            ],
            env=self.env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "the server stopped while starting"
            with suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return
            time.sleep(0.1)
        raise AssertionError("the server did not start")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


# --- A throwaway PostgreSQL 15 cluster ---------------------------------------------------------


def pg_port() -> int:
    """A port nothing listens on or has just used: the kernel's choice of a free one (a fixed
    port can still be in TIME_WAIT from the run before, and PostgreSQL then cannot bind it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Cluster:
    """A PostgreSQL 15 cluster of its own, run as the postgres user as .ci/run does."""

    directory: Path
    port: int = field(default_factory=pg_port)

    def _as_postgres(self, *args: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *args], check=True, capture_output=True)

    def init(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        shutil.chown(self.directory, "postgres")
        data = str(self.directory / "data")
        self._as_postgres(str(PG_BIN / "initdb"), "-D", data, "-U", "cshub", "--auth=trust", "-E", "UTF8")
        self.start()
        self._as_postgres(
            str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "cshub", "cshub"
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(self.directory / "data"), "-l", str(self.directory / "log"),
            "-o", options, "-w", "start",
        )  # fmt: skip

    def running(self) -> bool:
        status = [str(PG_BIN / "pg_ctl"), "-D", str(self.directory / "data"), "status"]
        return (
            subprocess.run(
                ["runuser", "-u", "postgres", "--", *status], check=False, capture_output=True
            ).returncode
            == 0
        )

    def stop(self) -> None:
        """Stop at once, as a crash or a kill would: no clean shut-down of the sessions."""
        self._as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(self.directory / "data"), "-m", "immediate", "stop"
        )

    def url(self, database: str = "cshub") -> str:
        return f"postgres://cshub@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "cshub") -> Any:
        import psycopg

        return psycopg.connect(self.url(database), autocommit=True)
