"""Request-level guards: a fault of the storage the service runs on answers 503 with
Retry-After, never a 500; an API body over the limit answers 413 before anything reads it."""

from collections.abc import Callable

from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse

from cshub.core.faults import logger, unavailable_reason, unavailable_response
from cshub.core.limits import API_BODY_MAX_BYTES


class ServiceUnavailableMiddleware:
    """A view that meets a database that is unreachable, locked, read-only or full, or a full
    or read-only disk, answers 503 with Retry-After (the page, or JSON under /api/). Every
    write is atomic, so the failed write left nothing behind. Faults raised outside views (a
    session read by a middleware) reach the same answer through core.errors.server_error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        reason = unavailable_reason(exception)
        if reason is None:
            return None
        # A broken connection is dropped now (Django checks again when the request ends), so
        # the next request connects afresh: the app recovers when the database does.
        for conn in connections.all(initialized_only=True):
            if not conn.in_atomic_block:
                conn.close_if_unusable_or_obsolete()
        return unavailable_response(request, reason)


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, but a session that cannot be saved because the database is read-only, locked
    or full does not turn a page that was answered into an error: the page stands and the
    session keeps its last saved state (its idle clock is not moved on). Django reports any
    failed save as an interrupted session (400); a deleted session still is."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        try:
            return super().process_response(request, response)
        except Exception as exc:
            reason = unavailable_reason(exc, chained=True)
            if reason is None:
                raise
            logger.warning("Session not saved (%s) at %s %s", reason, request.method, request.path)
            return response


_TOO_LARGE = (
    f"The request body is over {API_BODY_MAX_BYTES // 2**20} MB: send less at a time "
    "(long text is kept up to 20,000 characters a field)"
)


class ApiBodyLimitMiddleware:
    """API request bodies over API_BODY_MAX_BYTES are answered 413, before anything reads them.

    DRF's parsers read the whole body whatever its size (Django's DATA_UPLOAD_MAX_MEMORY_SIZE
    only guards form posts), so the limit is here. The declared Content-Length decides, and
    the body is never read past it (Django reads at most Content-Length bytes). A body sent
    without a length (chunked) is answered 411: Django's WSGI handler would read it as
    empty, so it would be lost without a word."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            refused = self.refuse(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    @staticmethod
    def refuse(request: HttpRequest) -> HttpResponse | None:
        declared = request.META.get("CONTENT_LENGTH") or ""
        if not declared.strip():
            if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
                return JsonResponse(
                    {"detail": "Send the request body with a Content-Length header (at most 1 MB)"},
                    status=411,
                )
            return None
        try:
            length = int(declared)
        except ValueError:
            return JsonResponse({"detail": "The Content-Length header is not a number"}, status=400)
        if length > API_BODY_MAX_BYTES:
            return JsonResponse({"detail": _TOO_LARGE}, status=413)
        return None
