"""A small client of ClamAV's daemon (clamd) over its Unix socket: PING and INSTREAM.

Our own, not a library: the protocol is four commands long and the Python clients on PyPI
(`clamd`, `pyclamd`) have not been maintained for years. The bytes are streamed to the daemon
(INSTREAM), so clamd never needs to read CSHub's documents folder. The socket is
`settings.CSHUB_CLAMD_SOCKET`.

    zINSTREAM\\0  <4-byte big-endian length><chunk> ... <0000>   ->  "stream: OK\\0"
                                                               or  "stream: <Signature> FOUND\\0"
                                                               or  "INSTREAM size limit exceeded. ERROR\\0"
"""

import socket
import struct
from dataclasses import dataclass

from django.conf import settings

CHUNK = 64 * 1024
TIMEOUT_SECONDS = 60.0


class ScannerUnavailableError(Exception):
    """clamd could not be reached or did not give a verdict (no socket, a timeout, an error
    reply such as a stream over its StreamMaxLength). The file is neither clean nor infected."""


@dataclass(frozen=True)
class Verdict:
    clean: bool
    signature: str = ""  # what clamd named, when it found something


def _socket_path() -> str:
    return str(settings.CSHUB_CLAMD_SOCKET)


def _connect(timeout: float) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(_socket_path())
    except OSError as exc:
        sock.close()
        raise ScannerUnavailableError(f"cannot connect to clamd ({type(exc).__name__})") from exc
    return sock


def _reply(sock: socket.socket) -> str:
    data = b""
    while not data.endswith(b"\0"):
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
        if len(data) > 4096:
            break
    return data.rstrip(b"\0").decode("utf-8", "replace").strip()


def ping(timeout: float = 5.0) -> bool:
    """True when clamd answers PONG."""
    try:
        with _connect(timeout) as sock:
            sock.sendall(b"zPING\0")
            return _reply(sock) == "PONG"
    except (ScannerUnavailableError, OSError):
        return False


def scan(content: bytes, timeout: float = TIMEOUT_SECONDS) -> Verdict:
    """Stream the bytes to clamd; its verdict, or ScannerUnavailableError."""
    try:
        with _connect(timeout) as sock:
            sock.sendall(b"zINSTREAM\0")
            for start in range(0, len(content), CHUNK):
                chunk = content[start : start + CHUNK]
                sock.sendall(struct.pack(">I", len(chunk)) + chunk)
            sock.sendall(struct.pack(">I", 0))
            answer = _reply(sock)
    except OSError as exc:
        raise ScannerUnavailableError(f"clamd stopped answering ({type(exc).__name__})") from exc
    if answer == "stream: OK":
        return Verdict(clean=True)
    if answer.startswith("stream: ") and answer.endswith(" FOUND"):
        return Verdict(clean=False, signature=answer[len("stream: ") : -len(" FOUND")][:200])
    raise ScannerUnavailableError(f"clamd gave no verdict: {answer[:100] or 'no answer'}")
