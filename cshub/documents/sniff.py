"""What a file is, from its content (never its name), and whether its name agrees.

CSHub accepts PDF, JPEG, PNG, Word (.docx), OpenDocument text (.odt) and plain text. Each is
recognised by its own bytes: the magic numbers of PDF, JPEG and PNG; for .docx and .odt, a
ZIP whose directory (read without unpacking anything) holds a Word document's parts or the
OpenDocument text `mimetype`; plain text is UTF-8 with no control characters but tab, line
breaks and form feed. Our own few lines rather than a library: `filetype` and
`python-magic` know neither plain text nor macro-enabled Word files, and libmagic is a C
library on the server. A name whose extension does not match the content is refused."""

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath


@dataclass(frozen=True)
class FileType:
    content_type: str
    label: str  # "a PDF", "a PNG image": as the messages say it
    extensions: tuple[str, ...]  # the first is the one a download is named with


PDF = FileType("application/pdf", "a PDF", (".pdf",))
PNG = FileType("image/png", "a PNG image", (".png",))
JPEG = FileType("image/jpeg", "a JPEG image", (".jpg", ".jpeg"))
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "a Word document",
    (".docx",),
)
ODT = FileType("application/vnd.oasis.opendocument.text", "an OpenDocument text", (".odt",))
TEXT = FileType("text/plain", "a plain text file", (".txt",))
TYPES = (PDF, PNG, JPEG, DOCX, ODT, TEXT)
BY_CONTENT_TYPE = {t.content_type: t for t in TYPES}
ALLOWED = "a PDF, JPEG, PNG, Word (.docx), OpenDocument text (.odt) or plain text (.txt) file"

_ZIP_MEMBER_MAX = 1 << 20  # a [Content_Types].xml or mimetype larger than this is no document
_CONTROL = bytes(c for c in range(32) if c not in (9, 10, 12, 13)) + b"\x7f"


class RefusedError(ValueError):
    """The file is not one CSHub accepts, or its name says it is something else."""


def _zip_type(content: bytes) -> FileType | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        names = {info.filename: info for info in archive.infolist()}
        mimetype = names.get("mimetype")
        if mimetype is not None and mimetype.file_size < 200:
            if archive.read(mimetype).strip() == ODT.content_type.encode():
                return ODT
            return None
        types = names.get("[Content_Types].xml")
        if types is None or "word/document.xml" not in names or types.file_size > _ZIP_MEMBER_MAX:
            return None
        declared = archive.read(types)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, KeyError):
        return None
    # A macro-enabled document (.docm) declares its main part as macroEnabled: not accepted.
    if b"wordprocessingml.document.main+xml" in declared and b"macroEnabled" not in declared:
        return DOCX
    return None


def _is_text(content: bytes) -> bool:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return bool(text.strip()) and not any(chr(c) in text for c in _CONTROL)


def detect(content: bytes) -> FileType | None:
    """The type of these bytes, or None when it is none CSHub accepts."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"PK\x03\x04"):
        return _zip_type(content)
    if _is_text(content):
        return TEXT
    return None


def base_name(name: str) -> str:
    """The file's own name, without any folder a browser sent (either kind of slash)."""
    return PureWindowsPath(PurePosixPath(name).name).name


def extension(name: str) -> str:
    """The extension of an uploaded file's name, lower case ("" when none)."""
    return PurePosixPath(base_name(name)).suffix.lower()


def check(content: bytes, name: str) -> FileType:
    """The file's type, checked by content; RefusedError with the message to show otherwise."""
    found = detect(content)
    ext = extension(name)
    if found is None:
        raise RefusedError(f"The selected file must be {ALLOWED}: its content is none of these")
    if ext not in found.extensions:
        called = f"called {ext}" if ext else "named without an extension"
        raise RefusedError(
            f"The selected file is {called} but its content is {found.label}: "
            f"rename it to {found.extensions[0]} if that is right, or choose another file"
        )
    return found
