"""The minutes of a meeting: the page for reading and printing, and the download (a
self-contained HTML document, its export audited)."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from cshub.access.decorators import require_perm
from cshub.access.permissions import Perm
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.meetings import queries
from cshub.meetings.models import Meeting, sees_police_only
from cshub.meetings.views import _meeting, _user


def _minutes_context(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    user = _user(request)
    restricted = request.GET.get("version") == "restricted"
    mv = queries.meeting_view(meeting, user, restricted=restricted, audit_part="minutes")
    return {
        "mv": mv,
        "meeting": meeting,
        "printed_at": timezone.now(),
        "may_see_police": sees_police_only(user),
    }


@require_perm(Perm.VIEW_MINUTES)
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    """The minutes, for reading and printing (print CSS)."""
    return render(request, "meetings/minutes.html", _minutes_context(request, _meeting(pk)))


@require_perm(Perm.VIEW_MINUTES)
def download(request: HttpRequest, pk: int) -> HttpResponse:
    """The minutes as a self-contained HTML document (opens in any browser or word processor)."""
    meeting = _meeting(pk)
    context = _minutes_context(request, meeting)
    html = render_to_string("meetings/minutes_document.html", context, request)
    mv: queries.MeetingView = context["mv"]
    version = "restricted" if mv.restricted_version else "full"
    record_event(_user(request), Action.EXPORT, meeting, detail={"version": version})
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    name = f"minutes-{meeting.meeting_type.code}-{meeting.date:%Y-%m-%d}-{version}.html"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
