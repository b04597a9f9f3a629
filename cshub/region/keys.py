"""This instance's Ed25519 key pair (docs/region.md, "Keys and rotation").

The private key is a PEM file (`CSHUB_REGION_KEY_FILE`, mode 0600 in a 0700 directory),
made once by `cshub region keys`. `cshub region rotate-keys` makes a new one and keeps the
old one beside it (`<file>.previous.json`: the old key and until when it may sign), so
messages to peers that have not yet learned the new key are signed with the old one until
they accept the `region.key` message that tells them, or until the grace period ends."""

import base64
import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.utils import timezone

# How long a peer accepts the key an instance signed with before its last rotation.
GRACE = dt.timedelta(days=7)


class KeyFileError(Exception):
    """A key file missing, already there, or not an Ed25519 key (the message says which)."""


def key_file() -> Path:
    return Path(settings.CSHUB_REGION_KEY_FILE)


def previous_file() -> Path:
    path = key_file()
    return path.with_name(path.name + ".previous.json")


def _private_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def public_pem(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def _write_secret(path: Path, data: bytes, *, replace: bool) -> None:
    """Write a secret file, mode 0600, in a directory of mode 0700 (made if need be)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.parent.chmod(0o700)
    if not replace:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        return
    temporary = path.with_name(path.name + ".new")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    temporary.chmod(0o600)
    temporary.replace(path)


def make_keys() -> str:
    """Make this instance's key pair; the public key's PEM. Refuses to overwrite a key."""
    path = key_file()
    if path.exists():
        raise KeyFileError(
            f"This instance already has a key ({path}): it is never overwritten. "
            "Use `cshub region rotate-keys` to change it."
        )
    key = Ed25519PrivateKey.generate()
    try:
        _write_secret(path, _private_pem(key), replace=False)
    except FileExistsError as error:
        raise KeyFileError(f"This instance already has a key ({path}): it is never overwritten.") from error
    return public_pem(key)


def _load_private(data: bytes, where: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as error:
        raise KeyFileError(f"{where} does not hold a private key in PEM") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{where} does not hold an Ed25519 private key")
    return key


def private_key() -> Ed25519PrivateKey:
    """This instance's signing key (refused when `cshub region keys` has not been run)."""
    path = key_file()
    try:
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise KeyFileError("This instance has no key yet: run `cshub region keys`") from error
    return _load_private(data, path)


@dataclass(frozen=True)
class PreviousKey:
    key: Ed25519PrivateKey
    until: dt.datetime


def previous_key(now: dt.datetime | None = None) -> PreviousKey | None:
    """The key this instance signed with before its last rotation, while peers still accept it."""
    path = previous_file()
    try:
        text = path.read_text()
    except FileNotFoundError:
        return None
    try:
        saved = json.loads(text)
        until: dt.datetime = dt.datetime.fromisoformat(saved["until"])
        pem: bytes = saved["key"].encode("ascii")
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise KeyFileError(f"{path} is not a previous key file") from error
    if until <= (now or timezone.now()):
        return None
    return PreviousKey(_load_private(pem, path), until)


def rotate() -> tuple[str, str, dt.datetime]:
    """A new key pair; the old one kept for `GRACE`. (old public PEM, new public PEM, until)."""
    old = private_key()
    until = timezone.now() + GRACE
    saved = {"until": until.isoformat(), "key": _private_pem(old).decode("ascii")}
    _write_secret(previous_file(), json.dumps(saved).encode(), replace=True)
    new = Ed25519PrivateKey.generate()
    _write_secret(key_file(), _private_pem(new), replace=True)
    return public_pem(old), public_pem(new), until


def parse_public_key(pem: str) -> Ed25519PublicKey:
    """A peer's public key from its PEM (ValueError with a clear message otherwise)."""
    text = pem.strip()
    if "PRIVATE KEY" in text:
        raise ValueError(
            "That is a private key: give the public key (`cshub region keys` prints it), "
            "and keep the private key where it is"
        )
    try:
        key = serialization.load_pem_public_key(text.encode("ascii"))
    except (ValueError, TypeError, UnicodeEncodeError) as error:
        raise ValueError("The public key is not a PEM public key (BEGIN PUBLIC KEY)") from error
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("The public key is not an Ed25519 key")
    return key


def fingerprint(pem: str) -> str:
    """`SHA256:` and the first 16 bytes of the SHA-256 of the raw public key, in hex pairs."""
    try:
        raw = parse_public_key(pem).public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    except ValueError:
        return "not a valid key"
    digest = hashlib.sha256(raw).hexdigest()[:32]
    return "SHA256:" + ":".join(digest[i : i + 2] for i in range(0, 32, 2))


def sign(key: Ed25519PrivateKey, data: bytes) -> str:
    return base64.b64encode(key.sign(data)).decode("ascii")


def verify(pem: str, signature: str, data: bytes) -> bool:
    """Whether `signature` (base64) is this public key's over `data`."""
    try:
        raw = base64.b64decode(signature, validate=True)
        parse_public_key(pem).verify(raw, data)
    except (ValueError, InvalidSignature):
        return False
    return True
