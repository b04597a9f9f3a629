"""`cshub serve` in a subprocess on a port of 127.0.0.1: what its test and `cshub bench
pages` start, stop and signal (the real server over real HTTP, never a test server)."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import IO

from django.conf import settings


def free_port() -> int:
    """A port of 127.0.0.1 nothing listens on (the kernel's choice)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise TimeoutError(f"not within {seconds:.0f} s: {what}")


def get_status(url: str, timeout: float = 30) -> int | None:
    """The status of a GET (redirects followed), None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - http to 127.0.0.1  # nosec B310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return None


class ServedProcess:
    """`cshub serve --bind 127.0.0.1:PORT` with its own environment. Its gunicorn log goes to
    log_dir/server.log, the access log to log_dir/access.log (or nowhere)."""

    def __init__(self, env: dict[str, str], log_dir: Path, *, workers: int, access_log: bool = True) -> None:
        self.env, self.workers, self.port = env, workers, free_port()
        self.server_log, self.access_log = log_dir / "server.log", log_dir / "access.log"
        self.with_access_log = access_log
        self.process: subprocess.Popen[bytes] | None = None
        self._stderr: IO[str] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, seconds: float = 120) -> None:
        """Starts the server and waits until /healthz/ answers 200."""
        command = [sys.executable, "-m", "cshub", "serve", "--bind", f"127.0.0.1:{self.port}"]
        command += ["--workers", str(self.workers), "--log-level", "info"]
        command += ["--access-log", str(self.access_log) if self.with_access_log else "none"]
        self._stderr = self.server_log.open("w")
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and command  # nosec B603
            command,
            env=self.env,
            cwd=settings.BASE_DIR,
            stdout=subprocess.DEVNULL,
            stderr=self._stderr,
        )
        try:
            wait_for(
                lambda: not self.alive() or self.status("/healthz/") == 200, "the server answers", seconds
            )
        except TimeoutError as exc:
            raise TimeoutError(f"{exc}; /healthz/ says: {self.health()}") from exc
        if not self.alive():
            raise RuntimeError("cshub serve stopped while starting: " + self.log()[-2000:])

    def status(self, path: str) -> int | None:
        return get_status(self.url + path)

    def health(self) -> str:
        """What /healthz/ says (each part ok or failed, and why)."""
        try:
            with urllib.request.urlopen(self.url + "/healthz/", timeout=30) as response:  # noqa: S310 - 127.0.0.1  # nosec B310
                return str(response.read().decode())
        except urllib.error.HTTPError as error:
            return str(error.read().decode())
        except OSError as error:
            return f"no answer ({type(error).__name__})"

    def log(self) -> str:
        return self.server_log.read_text() if self.server_log.exists() else ""

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def hup(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGHUP)

    def stop(self, seconds: float = 60) -> int | None:
        """TERM (gunicorn's graceful stop); its exit status."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=seconds)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._stderr is not None:
            self._stderr.close()
        return self.process.returncode


def production_env(database_url: str, var_dir: Path, secret_key: str) -> dict[str, str]:
    """Production settings (no demo, no debug) on a database, over plain HTTP on loopback."""
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "CSHUB_DEMO", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="cshub.settings",
        DATABASE_URL=database_url,
        SECRET_KEY=secret_key,
        SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS="127.0.0.1",
        CSHUB_VAR_DIR=str(var_dir),
    )
    return env


def database_url() -> str:
    """The default database as DATABASE_URL (for a subprocess on the same database)."""
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
