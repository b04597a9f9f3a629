from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from cshub.people.access import MergedRecord, RestrictedRecord

# The URL arguments that name the child on a page: a merged record's id in one of these is
# replaced by the survivor's to find the survivor's same page.
CHILD_ARGUMENTS = ("pk", "person_pk", "child_pk", "person_id", "child_id")


class RestrictedRecordMiddleware:
    """On pages, a restricted record the user is not named on leads to break glass, and a
    merged record to the same page of the record it was merged into."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/"):
            return None
        if isinstance(exception, RestrictedRecord):
            return redirect("people:break_glass", exception.person_id)
        if isinstance(exception, MergedRecord):
            messages.info(
                request,
                f"This record (CSHub ID {exception.person_id}) was merged into this one "
                f"(CSHub ID {exception.survivor_id}). Its audit trail is kept on the Access page.",
                fail_silently=True,
            )
            return redirect(_same_page(request, exception))
        return None


def _same_page(request: HttpRequest, merged: MergedRecord) -> str:
    """The survivor's page of the kind asked for, else the survivor's overview."""
    try:
        match = resolve(request.path)
        kwargs = dict(match.kwargs)
        named = [k for k in CHILD_ARGUMENTS if str(kwargs.get(k)) == str(merged.person_id)]
        if named:
            kwargs[named[0]] = merged.survivor_id
            return reverse(match.view_name, kwargs=kwargs)
    except (Resolver404, NoReverseMatch):
        pass
    return reverse("casework:child", args=[merged.survivor_id])
