"""HTML templates rendered to PDF with WeasyPrint (docs/reports.md).

- `render_pdf(template, context)` renders a Django template and lays it out as a PDF.
- `pdf_response(pdf, filename)` sends it as a download that nothing keeps a copy of.
- `StaticFilesOnly` is the only way the renderer reaches anything outside the HTML: it
  serves CSS, fonts and images from CSHub's own static files (by `STATIC_URL` path) and
  refuses everything else (http, https, ftp, file, other hosts), so a report never makes a
  network request and never reads a file outside the static files, whatever its HTML says.
  A `data:` URI (bytes the HTML carries itself, such as a photograph) is decoded, not fetched.

Charts are inline SVG drawn on the server (`reports.charts`): no JavaScript runs here."""

import base64
import logging
import mimetypes
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from weasyprint import HTML, URLFetcher
from weasyprint.urls import URLFetcherResponse

# The address documents are laid out at: relative and root-relative URLs resolve against
# it, so "/assets/reports/document.css" becomes "https://cshub.invalid/assets/…" (.invalid is
# reserved: it can never be a real host).
BASE_URL = "https://cshub.invalid/"
_HOST = urlsplit(BASE_URL).netloc

log = logging.getLogger(__name__)


class FetchRefusedError(ValueError):
    """A URL the PDF renderer may not fetch."""


class StaticFilesOnly(URLFetcher):  # type: ignore[misc]
    """WeasyPrint's URL fetcher, with every network handler unused: a URL is served only
    when it names a static file of this app (under `STATIC_URL` at `BASE_URL`), read
    through Django's static-file finders; anything else raises `FetchRefusedError` (WeasyPrint
    then leaves the resource out and logs a warning)."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=["https"])
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        if url[:5].lower() == "data:":  # bytes inline in the HTML (a photograph): no fetch at all
            return data_uri(url)
        path = static_path(url)
        if path is None:
            self.refused.append(url)
            # the scheme and host only: a URL may carry anything, and logs carry no personal data
            parts = urlsplit(url)
            log.warning("PDF renderer refused a fetch (%s://%s)", parts.scheme, parts.netloc)
            raise FetchRefusedError("CSHub's PDF renderer fetches its own static files only")
        found = finders.find(path)
        if not found and settings.STATIC_ROOT:
            candidate = settings.STATIC_ROOT / path
            found = str(candidate) if candidate.is_file() else None
        if not found or isinstance(found, list):
            self.refused.append(url)
            raise FetchRefusedError("No such static file")
        body = Path(found).read_bytes()
        mime = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": mime})

    def open(self, url: Any, data: Any = None, timeout: Any = None) -> URLFetcherResponse:
        return self.fetch(url if isinstance(url, str) else url.full_url)

    def __call__(self, url: str) -> URLFetcherResponse:
        return self.fetch(url)


def data_uri(url: str) -> URLFetcherResponse:
    """The bytes of a `data:` URI (RFC 2397), which carries them itself."""
    header, _, payload = url[5:].partition(",")
    mime, *params = header.split(";")
    body = base64.b64decode(payload) if "base64" in params else unquote_to_bytes(payload)
    return URLFetcherResponse("data:", body, {"Content-Type": mime or "text/plain"})


def static_path(url: str) -> str | None:
    """The static file a URL names, relative to the static files' root, or None when the URL
    is anything but a static file of this app (another scheme or host, a query, `..`)."""
    parts = urlsplit(url)
    if parts.scheme != "https" or parts.netloc != _HOST or parts.query:
        return None
    prefix = settings.STATIC_URL or "/static/"
    path = unquote(parts.path)
    if not path.startswith(prefix):
        return None
    relative = path[len(prefix) :]
    if not relative or any(part in ("", ".", "..") for part in relative.split("/")) or "\\" in relative:
        return None
    return relative


def render_pdf(template: str, context: dict[str, Any], *, request: HttpRequest | None = None) -> bytes:
    """The template rendered with its context (and the request, for context processors)
    and laid out as a PDF by WeasyPrint, fetching only static files."""
    html = render_to_string(template, context, request=request)
    return html_to_pdf(html)


def html_to_pdf(html: str, fetcher: StaticFilesOnly | None = None) -> bytes:
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher or StaticFilesOnly())
    pdf: bytes = document.write_pdf()
    return pdf


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    """A PDF download: not cached anywhere on the way (it may hold OFFICIAL-SENSITIVE text)."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
