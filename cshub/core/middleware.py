from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from cshub.core.limits import API_BODY_MAX_BYTES

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
