"""Pages of this app (docs/region.md, "Sharing"): a match, deciding it, asking another hub for
information, deciding a request received, and the managers' cross-border list."""

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from cshub.access.decorators import require_perm
from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_views
from cshub.crossborder import actions
from cshub.crossborder import summary as agreed
from cshub.crossborder.forms import ALL, DecideMatchForm, DecideRequestForm, FilterForm, RequestForm
from cshub.crossborder.models import (
    CrossBorderMatch,
    InfoRequest,
    MatchStatus,
    RequestDirection,
    RequestStatus,
)
from cshub.linkage.models import RecordKind
from cshub.people.access import get_child_for_user
from cshub.people.models import Person
from cshub.region.transport import Refused, is_region


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _match_for(user: User, pk: int, part: str) -> CrossBorderMatch:
    """A match the user may see: about a child they may see, or an adult of concern they may
    see with intelligence (else 404). The read of the record is audited."""
    match = get_object_or_404(
        CrossBorderMatch.objects.select_related("ours__person", "ours__subject__person", "their_hub"), pk=pk
    )
    if match.ours.kind == RecordKind.ADULT and not user.has(Perm.VIEW_INTELLIGENCE):
        raise Http404("No such match")
    get_child_for_user(user, agreed.person_of(match.ours).pk, part=f"{part} {match.pk}")
    return match


def _request_for(user: User, pk: uuid.UUID, part: str) -> InfoRequest:
    request = get_object_or_404(InfoRequest.objects.select_related("match"), pk=pk)
    _match_for(user, request.match_id, f"{part} {request.pk}; match")
    return request


def _context(match: CrossBorderMatch, **extra: Any) -> dict[str, Any]:
    return {"match": match, "record": agreed.person_of(match.ours), **extra}


@require_perm(Perm.VIEW_CHILD)
def match_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    with transaction.atomic():
        match = _match_for(user, pk, "cross-border match")
        requests = list(match.requests.select_related("requested_by", "decided_by"))
    return render(request, "crossborder/match.html", _context(match, requests=requests))


@require_perm(Perm.DECIDE_CROSS_BORDER)
@require_http_methods(["GET", "POST"])
def decide_match(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    with transaction.atomic():
        match = _match_for(user, pk, "decide cross-border match")
    if match.status != MatchStatus.PENDING:
        messages.info(request, f"This match has already been decided: {match.get_status_display().lower()}.")
        return redirect("crossborder:match", match.pk)
    form = DecideMatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirm = form.cleaned_data["decision"] == "confirm"
        try:
            actions.decide_match(match, confirm, form.cleaned_data["note"], actor=user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Match confirmed." if confirm else "Match rejected.")
            return redirect("crossborder:match", match.pk)
    return render(request, "crossborder/decide_match.html", _context(match, form=form))


@require_perm(Perm.DECIDE_CROSS_BORDER)
@require_http_methods(["GET", "POST"])
def request_information(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    with transaction.atomic():
        match = _match_for(user, pk, "request information about cross-border match")
    if match.status != MatchStatus.CONFIRMED:
        messages.info(request, "Confirm the match before requesting information.")
        return redirect("crossborder:match", match.pk)
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sent = actions.request_information(match, data["purpose"], data["lawful_basis"], actor=user)
        except ValidationError as exc:
            form.add_error(None, exc)
        except Refused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Request sent to {match.their_hub.name}.")
            return redirect("crossborder:request", sent.pk)
    return render(request, "crossborder/request_information.html", _context(match, form=form))


@require_perm(Perm.VIEW_CHILD)
def request_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    user = _user(request)
    with transaction.atomic():
        info = _request_for(user, pk, "cross-border request")
        if info.direction == RequestDirection.SENT and info.summary:
            actions.read_summary(info, actor=user)  # who read what the other hub sent
        reads = list(info.reads.select_related("reader"))
    shown = agreed.in_order(info.summary or {})
    may_decide = (
        user.has(Perm.DECIDE_CROSS_BORDER)
        and info.direction == RequestDirection.RECEIVED
        and info.status == RequestStatus.REQUESTED
    )
    context = _context(info.match, info=info, summary=shown, reads=reads, may_decide=may_decide)
    return render(request, "crossborder/request.html", context)


@require_perm(Perm.DECIDE_CROSS_BORDER)
@require_http_methods(["GET", "POST"])
def decide_request(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    user = _user(request)
    with transaction.atomic():
        info = _request_for(user, pk, "decide cross-border request")
        values = agreed.build(info.match.ours)  # shown to the manager before sending
    if info.direction != RequestDirection.RECEIVED or info.status != RequestStatus.REQUESTED:
        messages.info(request, "This request is not waiting for a decision by this hub.")
        return redirect("crossborder:request", info.pk)
    offered = [(f.key, f"{f.label}: {values[f.key]}") for f in agreed.fields_for(info.match.ours)]
    initial = {"share": [key for key, _ in offered]}
    form = DecideRequestForm(request.POST or None, offered=offered, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        approve = data["decision"] == "approve"
        try:
            actions.decide_request(
                info, approve, data["reason"], data["share"] if approve else [], actor=user
            )
        except (ValidationError, Refused) as exc:
            form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, "Summary sent." if approve else "Request declined.")
            return redirect("crossborder:request", info.pk)
    return render(request, "crossborder/decide_request.html", _context(info.match, info=info, form=form))


def _visible(user: User, rows: "QuerySet[Any]", prefix: str = "") -> "QuerySet[Any]":
    """The rows about a record this user may open (children; adults with intelligence too)."""
    people = Person.objects.visible_to(user).values("pk")
    seen = Q(**{f"{prefix}ours__person__in": people})
    if user.has(Perm.VIEW_INTELLIGENCE):
        seen |= Q(**{f"{prefix}ours__subject__person__in": people})
    return rows.filter(seen)


@require_perm(Perm.DECIDE_CROSS_BORDER, Perm.VIEW_TEAM_CASELOAD)
def cross_border(request: HttpRequest) -> HttpResponse:
    """Pending matches first, then requests received awaiting a decision, then requests sent
    awaiting a reply. Only records the user may see are named; others are counted."""
    if is_region():
        raise Http404("The region holds no records to match: the cross-border list is on each hub")
    user = _user(request)
    form = FilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status") or MatchStatus.PENDING
    matches = CrossBorderMatch.objects.select_related("ours__person", "ours__subject__person", "their_hub")
    if status != ALL:
        matches = matches.filter(status=status)
    if data.get("kind"):
        matches = matches.filter(ours__kind=data["kind"])
    if data.get("hub"):
        matches = matches.filter(their_hub__hub_id=data["hub"])
    matches = matches.order_by("-told_at", "-pk")
    requests = InfoRequest.objects.select_related(
        "match__ours__person", "match__ours__subject__person", "match__their_hub"
    )
    requests = requests.filter(status=RequestStatus.REQUESTED).order_by("requested_at")
    if data.get("kind"):
        requests = requests.filter(match__ours__kind=data["kind"])
    if data.get("hub"):
        requests = requests.filter(match__their_hub__hub_id=data["hub"])
    received = requests.filter(direction=RequestDirection.RECEIVED)
    sent = requests.filter(direction=RequestDirection.SENT)
    shown = _visible(user, matches)
    page = Paginator(shown, settings.CSHUB_PAGE_SIZE).get_page(request.GET.get("page"))
    received_shown = list(_visible(user, received, "match__"))
    sent_shown = list(_visible(user, sent, "match__"))
    with transaction.atomic():
        named = [agreed.person_of(m.ours).pk for m in page]
        named += [agreed.person_of(r.match.ours).pk for r in [*received_shown, *sent_shown]]
        record_views(user, named, part="cross-border list")
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "filtered": bool(data.get("kind") or data.get("hub") or status != MatchStatus.PENDING),
        "status": status,
        "page": page,
        "hidden_matches": matches.count() - page.paginator.count,
        "received": received_shown,
        "hidden_received": received.count() - len(received_shown),
        "sent": sent_shown,
        "hidden_sent": sent.count() - len(sent_shown),
        "query": query.urlencode(),
    }
    return render(request, "crossborder/list.html", context)


urlpatterns: list[URLPattern] = [
    path("cross-border/", cross_border, name="list"),
    path("cross-border/matches/<int:pk>/", match_detail, name="match"),
    path("cross-border/matches/<int:pk>/decide/", decide_match, name="decide_match"),
    path("cross-border/matches/<int:pk>/request/", request_information, name="request_information"),
    path("cross-border/requests/<uuid:pk>/", request_detail, name="request"),
    path("cross-border/requests/<uuid:pk>/decide/", decide_request, name="decide_request"),
]
