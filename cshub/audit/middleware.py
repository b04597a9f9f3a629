import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from cshub.audit import context


class RequestIdMiddleware:
    """Gives every request an id (echoed as X-Request-ID) that its audit events carry."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = str(uuid.uuid4())
        request.request_id = rid  # type: ignore[attr-defined]
        via = "api" if request.path.startswith("/api/") else "page"
        rid_token = context.request_id.set(rid)
        via_token = context.channel.set(via)
        try:
            response = self.get_response(request)
        finally:
            context.request_id.reset(rid_token)
            context.channel.reset(via_token)
        response["X-Request-ID"] = rid
        return response
