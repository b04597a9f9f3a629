"""The real ClamAV daemon for the documents tests.

`clamd_socket` (once per test process) writes a tiny signature database of our own
(`cshub-test.ndb`: one signature for a planted test string, one for the EICAR test file),
a clamd.conf (a Unix socket in a temporary folder, that database, in the foreground),
starts Debian's /usr/sbin/clamd, waits for PING/PONG and stops it at the end. Nothing is
faked: the verdicts are clamd's own. freshclam's real database is not used (it cannot be
downloaded here, and is 300 MB); production uses it (docs/documents.md)."""

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CLAMD = "/usr/sbin/clamd"
# Split so that this file itself never matches the signature.
PLANTED = b"CSHUB-PLANTED-TEST-" + b"SIGNATURE-NOT-A-VIRUS"
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
PLANTED_NAME = "CSHub.Test.Planted.UNOFFICIAL"  # clamd adds .UNOFFICIAL to a local database's names


def _start(folder: Path) -> subprocess.Popen[bytes]:
    (folder / "cshub-test.ndb").write_text(
        f"CSHub.Test.Planted:0:*:{PLANTED.hex()}\nCSHub.Test.EICAR:0:0:{EICAR.hex()}\n"
    )
    conf = folder / "clamd.conf"
    conf.write_text(
        "\n".join(
            [
                f"LocalSocket {folder / 'clamd.sock'}",
                f"DatabaseDirectory {folder}",
                f"TemporaryDirectory {folder}",
                f"LogFile {folder / 'clamd.log'}",
                "Foreground yes",
                "StreamMaxLength 64M",
                "",
            ]
        )
    )
    return subprocess.Popen(  # noqa: S603 - Debian's clamd with our own configuration
        [CLAMD, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


@pytest.fixture(scope="session")
def clamd_socket() -> Iterator[str]:
    from django.conf import settings

    from cshub.documents import clamav

    if not Path(CLAMD).exists():
        pytest.fail("clamd is not installed: apt-get install clamav-daemon (.ci/run does)")
    # A short path of its own: a Unix socket's path must be under 108 bytes.
    folder = Path(tempfile.mkdtemp(prefix="cshub-clamd-"))
    socket_path = str(folder / "clamd.sock")
    process = _start(folder)
    previous = settings.CSHUB_CLAMD_SOCKET
    settings.CSHUB_CLAMD_SOCKET = socket_path
    try:
        deadline = time.monotonic() + 60
        while not clamav.ping(timeout=2):
            log = folder / "clamd.log"
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("clamd did not start: " + (log.read_text()[-2000:] if log.exists() else "no log"))
            time.sleep(0.1)
        yield socket_path
    finally:
        settings.CSHUB_CLAMD_SOCKET = previous
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def scanner(clamd_socket: str, settings: Any) -> str:
    """The real clamd, for one test (the setting as the session's fixture left it)."""
    settings.CSHUB_CLAMD_SOCKET = clamd_socket
    return clamd_socket
