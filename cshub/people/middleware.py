from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from cshub.people.access import RestrictedRecord


class RestrictedRecordMiddleware:
    """On pages, a restricted record the user is not named on leads to break glass."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RestrictedRecord) and not request.path.startswith("/api/"):
            return redirect("people:break_glass", exception.person_id)
        return None
