import sys

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cshub.core.faults import unavailable_reason, unavailable_response


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this while it handles the exception. A fault of the database or the disk
    # met outside a view (a middleware reading the session) answers 503, as views do.
    exception = sys.exc_info()[1]
    reason = unavailable_reason(exception, chained=True) if exception is not None else None
    if reason is not None:
        return unavailable_response(request, reason)
    return render(request, "errors/500.html", status=500)
