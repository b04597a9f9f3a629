"""A fault of the storage the service runs on answers 503 with Retry-After, never a 500."""

from collections.abc import Callable

from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.db import connections
from django.http import HttpRequest, HttpResponse

from cshub.core.faults import logger, unavailable_reason, unavailable_response


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
