"""Several CSHub instances on one machine: a region on loopback (docs/region.md, "A region on
one machine"). Used by `cshub demo --region` and by the live multi-instance tests.

Each instance is its own process (`python -m cshub runserver 127.0.0.1:<port> --noreload`)
with its own CSHUB_VAR_DIR, so its own SQLite database and its own key file, whatever
DATABASE_URL the caller has (the tests run on PostgreSQL too: the instances never do), its
own CSHUB_HUB_ID and CSHUB_HUB_NAME, and CSHUB_INSTANCE hub or region. The hubs share one
linkage secret; the region is given none. Every instance runs in demo mode (CSHUB_DEMO=1):
synthetic data only.

`Region` starts them, waits until each answers and stops them all (SIGTERM, then SIGKILL
after a grace period) when its `with` block ends, on Ctrl-C as on an error."""

import atexit
import ctypes
import os
import re
import shutil
import signal
import socket
import subprocess  # nosec B404 # our own interpreter and module, fixed arguments
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Literal

from django.conf import settings

# Variables of the caller an instance must not inherit: it has its own database, settings
# module, key file and secrets.
DROPPED = (
    "DATABASE_URL",
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "DEBUG",
    "CSHUB_VAR_DIR",
    "CSHUB_HUB_ID",
    "CSHUB_HUB_NAME",
    "CSHUB_INSTANCE",
    "CSHUB_REGION_KEY_FILE",
    "CSHUB_LINKAGE_SECRET",
    "CSHUB_DOCUMENTS_DIR",
    "PYTEST_XDIST_WORKER",
    "PYTEST_CURRENT_TEST",
)
PR_SET_PDEATHSIG = 1  # prctl(2)
# An empty database this process migrated, by role (Region.migrate).
_MIGRATED: dict[str, Path] = {}
PUBLIC_KEY = re.compile(r"-----BEGIN PUBLIC KEY-----.+?-----END PUBLIC KEY-----", re.S)


class InstanceError(Exception):
    """An instance that did not start, or a command of one that failed (with its output)."""


def free_port() -> int:
    """A TCP port on loopback nobody listens on now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Instance:
    """One CSHub of the region: a hub or the regional CSHub."""

    hub_id: str
    name: str
    role: Literal["hub", "region"]
    port: int
    var_dir: Path
    districts: tuple[str, ...] = ()
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database(self) -> Path:
        return self.var_dir / "cshub.sqlite3"

    @property
    def key_file(self) -> Path:
        return self.var_dir / "region" / "ed25519.pem"

    @property
    def log(self) -> Path:
        return self.var_dir / "server.log"

    def env(self, linkage_secret: str) -> dict[str, str]:
        """The environment of this instance's processes (server and commands)."""
        env = {k: v for k, v in os.environ.items() if k not in DROPPED}
        env.update(
            DJANGO_SETTINGS_MODULE="cshub.settings",
            CSHUB_DEMO="1",
            CSHUB_VAR_DIR=str(self.var_dir),
            CSHUB_HUB_ID=self.hub_id,
            CSHUB_HUB_NAME=self.name,
            CSHUB_INSTANCE=self.role,
            CSHUB_REGION_KEY_FILE=str(self.key_file),
            CSHUB_DOCUMENTS_DIR=str(self.var_dir / "documents"),
            # The region never has the hubs' secret (it cannot encode a name to look it up).
            CSHUB_LINKAGE_SECRET=linkage_secret if self.role == "hub" else "",
            PYTHONUNBUFFERED="1",
        )
        return env


def _share_static(var_dir: Path) -> None:
    """The instance serves the assets already collected in this checkout (var/static), so
    it need not collect its own."""
    collected = Path(settings.BASE_DIR) / "var" / "static"
    target = var_dir / "static"
    if collected.is_dir() and not target.exists():
        target.symlink_to(collected, target_is_directory=True)


class Region:
    """The instances of a region on this machine: `with Region(...) as region:` starts none;
    `region.command(...)` runs `cshub …` in one; `region.start()` serves them all."""

    def __init__(self, instances: Sequence[Instance], *, linkage_secret: str) -> None:
        if len({i.hub_id for i in instances}) != len(instances):
            raise ValueError("every instance needs its own hub id")
        self.instances = list(instances)
        self.linkage_secret = linkage_secret
        for instance in self.instances:
            instance.var_dir.mkdir(parents=True, exist_ok=True)
            _share_static(instance.var_dir)

    def __getitem__(self, hub_id: str) -> Instance:
        for instance in self.instances:
            if instance.hub_id == hub_id:
                return instance
        raise KeyError(hub_id)

    @property
    def hubs(self) -> list[Instance]:
        return [i for i in self.instances if i.role == "hub"]

    @property
    def region(self) -> Instance:
        return next(i for i in self.instances if i.role == "region")

    def __enter__(self) -> "Region":
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # Commands -----------------------------------------------------------------------
    def command(
        self, instance: Instance, *args: str, check: bool = True, timeout: float = 900
    ) -> subprocess.CompletedProcess[str]:
        """`cshub <args>` in the instance's environment; its output is returned (and, when
        it fails and `check`, raised with the command's own message)."""
        done = subprocess.run(  # noqa: S603 # nosec B603 # our own interpreter and module
            [sys.executable, "-m", "cshub", *args],
            env=instance.env(self.linkage_secret),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            cwd=settings.BASE_DIR,
        )
        if check and done.returncode != 0:
            said = (done.stderr.strip() or done.stdout.strip()).splitlines()
            raise InstanceError(
                f"`cshub {' '.join(args)}` failed on {instance.hub_id}: "
                + (said[-1].removeprefix("CommandError: ") if said else f"exit status {done.returncode}")
            )
        return done

    def public_key(self, instance: Instance) -> str:
        """The instance's public key (PEM): made with `cshub region keys` (once), read from
        what it prints, or from its private key file."""
        printed = self.command(instance, "region", "keys").stdout
        found = PUBLIC_KEY.search(printed)
        if found:
            return found.group(0) + "\n"
        from cryptography.hazmat.primitives import serialization

        if not instance.key_file.exists():
            raise InstanceError(f"`cshub region keys` made no key file on {instance.hub_id}")
        private = serialization.load_pem_private_key(instance.key_file.read_bytes(), password=None)
        return (
            private.public_key()
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            .decode()
        )

    def register_all(self, *, urls: dict[str, str] | None = None) -> None:
        """Every instance registers the others: the region knows every hub, a hub the region
        and the other hubs (with the postcode districts each covers). `urls` replaces the
        base URL a peer is known by (a test's proxy in front of it)."""
        urls = urls or {}
        keys: dict[str, Path] = {}
        for instance in self.instances:
            path = instance.var_dir / "public.pem"
            path.write_text(self.public_key(instance))
            keys[instance.hub_id] = path
        for instance in self.instances:
            for other in self.instances:
                if other is instance or (instance.role == "region" and other.role == "region"):
                    continue
                self.register(instance, other, keys[other.hub_id], url=urls.get(other.hub_id, other.url))

    def register(self, instance: Instance, other: Instance, key: Path, *, url: str) -> None:
        """`cshub region register` of `other` on `instance`."""
        self.command(
            instance,
            "region",
            "register",
            "--hub-id",
            other.hub_id,
            "--name",
            other.name,
            "--role",
            other.role,
            "--url",
            url,
            "--public-key",
            str(key),
            "--districts",
            ",".join(other.districts),
        )

    def migrate(self) -> None:
        """Every instance's database migrated. A new one starts as a copy of an empty
        database this process migrated before for the same role (the same code: the same
        schema and rows), which saves most of a region's start-up."""
        for instance in self.instances:
            copy = _MIGRATED.get(instance.role)
            if not instance.database.exists() and copy is not None and copy.exists():
                shutil.copyfile(copy, instance.database)
                continue
            fresh = not instance.database.exists()
            self.command(instance, "migrate", "--noinput", "--verbosity", "0")
            if fresh and instance.role not in _MIGRATED and not Path(f"{instance.database}-wal").exists():
                template = Path(tempfile.mkdtemp(prefix="cshub-migrated-")) / "cshub.sqlite3"
                shutil.copyfile(instance.database, template)
                atexit.register(shutil.rmtree, template.parent, True)
                _MIGRATED[instance.role] = template

    # Servers ------------------------------------------------------------------------
    def start(self, *, timeout: float = 120) -> None:
        """Serve every instance (migrated first), and wait until each answers."""
        self.migrate()
        for instance in self.instances:
            if instance.process is not None:
                continue
            log = instance.log.open("ab")
            instance.process = subprocess.Popen(  # noqa: S603 # nosec B603 # our own interpreter and module
                [sys.executable, "-m", "cshub", "runserver", f"127.0.0.1:{instance.port}", "--noreload"],
                env=instance.env(self.linkage_secret),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=settings.BASE_DIR,
                start_new_session=True,  # its own process group: Ctrl-C reaches us, we stop it
                preexec_fn=_die_with_parent,  # noqa: PLW1509 # prctl only: no lock taken
            )
            log.close()
        deadline = time.monotonic() + timeout
        for instance in self.instances:
            self._wait(instance, deadline)

    def _wait(self, instance: Instance, deadline: float) -> None:
        while True:
            assert instance.process is not None  # started above
            if instance.process.poll() is not None:
                tail = instance.log.read_text(errors="replace").splitlines()[-5:]
                raise InstanceError(f"{instance.hub_id} stopped while starting: " + " | ".join(tail))
            if answers(instance.url + "/"):
                return
            if time.monotonic() > deadline:
                raise InstanceError(f"{instance.hub_id} did not answer on {instance.url} in time")
            time.sleep(0.2)

    def stop(self, *, grace: float = 10) -> None:
        """Stop every server this Region started: TERM, then KILL after `grace` seconds."""
        running = [i for i in self.instances if i.process is not None and i.process.poll() is None]
        for instance in running:
            assert instance.process is not None  # filtered above
            _signal_group(instance.process, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for instance in running:
            assert instance.process is not None  # filtered above
            try:
                instance.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(instance.process, signal.SIGKILL)
                instance.process.wait()
        for instance in self.instances:
            instance.process = None


def _signal_group(process: "subprocess.Popen[bytes]", sig: signal.Signals) -> None:
    """Signal the process group of a server we started (it leads its own session)."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


def _die_with_parent() -> None:
    """In the server's process, before it runs: TERM it if the process that started it dies
    without stopping it (killed, say), so no server outlives its region (Linux)."""
    with suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def answers(url: str) -> bool:
    """Whether a server answers HTTP at this URL (any status: it is up)."""
    try:
        with urllib.request.urlopen(url, timeout=2):  # noqa: S310 # nosec B310 # loopback http only
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def stop_on_terminate() -> Iterator[None]:
    """SIGTERM to this process ends it like Ctrl-C (so a `with Region` block stops its
    servers); the previous handler is put back afterwards."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
