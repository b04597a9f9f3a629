from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cshub.access.decorators import require_perm
from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_views
from cshub.casework import actions, due, queries
from cshub.casework.forms import (
    AllocationForm,
    CaseSummaryForm,
    ClosureForm,
    OpenEpisodeForm,
    ReturnClosureForm,
    hub_workers,
)
from cshub.casework.models import Episode
from cshub.core.codes import ExploitationType
from cshub.core.ids import parse_id
from cshub.people.access import get_child_for_user
from cshub.referrals.models import Decision, Referral


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _episode_for(user: User, pk: int) -> Episode:
    episode = get_object_or_404(
        Episode.objects.select_related("person", "allocated_worker", "referral"), pk=pk
    )
    get_child_for_user(user, episode.person_id, part=f"episode {pk}")
    return episode


@require_perm(Perm.VIEW_CHILD)
def child(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_child_for_user(_user(request), pk, part="overview")
    summary = person.case_summaries.select_related("written_by").first()
    max_age = due.standard("SUMMARY", timezone.localdate())
    return render(
        request,
        "casework/child.html",
        {
            "person": person,
            "summary": summary,
            "episode": queries.open_episode_of(person),
            "episodes": person.episodes.select_related("allocated_worker"),
            "referrals": person.referrals.all()[:10],
            "recent": person.timeline.select_related("recorded_by")[:5],
            "stale": summary.is_stale(max_age=max_age) if summary else False,
            "tab": "overview",
            "summary_max_age": max_age,
        },
    )


@require_perm(Perm.VIEW_CHILD)
def episode_detail(request: HttpRequest, pk: int) -> HttpResponse:
    episode = _episode_for(_user(request), pk)
    return render(
        request,
        "casework/episode.html",
        {"episode": episode, "person": episode.person, "tab": "overview", "return_form": ReturnClosureForm()},
    )


@require_perm(Perm.OPEN_EPISODE)
@require_http_methods(["GET", "POST"])
def open_episode(request: HttpRequest, referral_pk: int) -> HttpResponse:
    user = _user(request)
    referral = get_object_or_404(Referral, pk=referral_pk)
    person = get_child_for_user(user, referral.person_id, part=f"referral {referral_pk}")
    if referral.decision != Decision.OPEN:
        messages.error(request, "Record a decision to open to the hub before opening an episode.")
        return redirect("referrals:detail", referral.pk)
    form = OpenEpisodeForm(
        request.POST or None, initial={"open_date": referral.decision_date or timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            episode = actions.open_episode(
                referral,
                actor=user,
                open_date=form.cleaned_data["open_date"],
                allocated_worker=form.cleaned_data["allocated_worker"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Hub episode opened.")
            return redirect("casework:episode", episode.pk)
    return render(
        request,
        "casework/open_episode.html",
        {"form": form, "referral": referral, "person": person, "tab": "referrals"},
    )


@require_perm(Perm.OPEN_EPISODE)
@require_http_methods(["GET", "POST"])
def allocate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    episode = _episode_for(user, pk)
    initial = {
        "allocated_worker": episode.allocated_worker,
        "locality_social_worker": episode.locality_social_worker,
        "lead_professional": episode.lead_professional,
        "lead_professional_agency": episode.lead_professional_agency,
    }
    form = AllocationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.allocate_episode(episode, actions.Allocation(**form.cleaned_data), actor=user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Allocation saved.")
            return redirect("casework:episode", episode.pk)
    return render(
        request,
        "casework/allocate.html",
        {"form": form, "episode": episode, "person": episode.person, "tab": "overview"},
    )


@require_perm(Perm.WRITE_CASE_SUMMARY)
@require_http_methods(["GET", "POST"])
def edit_summary(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    person = get_child_for_user(user, pk, part="case summary")
    current = person.case_summaries.first()
    initial = (
        {f: getattr(current, f) for f in ("who_the_child_is", "current_risks", "what_is_working", "the_plan")}
        if current
        else {}
    )
    form = CaseSummaryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.write_case_summary(person, actions.CaseSummaryText(**form.cleaned_data), actor=user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Case summary saved.")
            return redirect("casework:child", person.pk)
    return render(
        request,
        "casework/summary_form.html",
        {"form": form, "person": person, "current": current, "tab": "overview"},
    )


@require_perm(Perm.CLOSE_EPISODE)
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    episode = _episode_for(user, pk)
    if not episode.is_open:
        messages.info(request, "This episode is already closed.")
        return redirect("casework:episode", episode.pk)
    form = ClosureForm(request.POST or None, initial={"close_date": timezone.localdate()})
    if not user.has(Perm.AUTHORISE_CLOSURE):
        del form.fields["override_reason"]
    warnings = actions.closure_warnings(episode, timezone.localdate())
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_closure(
                episode,
                form.closure(),
                actor=user,
                override_reason=form.cleaned_data.get("override_reason", ""),
            )
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
        else:
            if episode.is_open:
                messages.success(request, "Closure recorded. A team manager needs to authorise it.")
            else:
                messages.success(request, "Episode closed.")
            return redirect("casework:episode", episode.pk)
    return render(
        request,
        "casework/close.html",
        {"form": form, "episode": episode, "person": episode.person, "tab": "overview", "warnings": warnings},
    )


@require_perm(Perm.AUTHORISE_CLOSURE)
@require_POST
def authorise(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    episode = _episode_for(user, pk)
    if request.POST.get("decision") == "return":
        form = ReturnClosureForm(request.POST)
        if not form.is_valid():
            return render(
                request,
                "casework/episode.html",
                {"episode": episode, "person": episode.person, "return_form": form, "tab": "overview"},
                status=400,
            )
        actions.return_closure(episode, form.cleaned_data["reason"], actor=user)
        messages.success(request, "Closure returned to the worker.")
    else:
        try:
            actions.authorise_closure(episode, actor=user, reason=request.POST.get("override_reason", ""))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Closure authorised. The episode is closed.")
    return redirect("casework:episode", episode.pk)


@require_perm(Perm.WRITE_CASE_SUMMARY)
def my_caseload(request: HttpRequest) -> HttpResponse:
    risk, sort = request.GET.get("risk", ""), request.GET.get("sort", "")
    episodes = list(queries.by_risk(queries.my_children(_user(request)), risk, sort))
    with transaction.atomic():
        record_views(_user(request), [e.person_id for e in episodes], part="my caseload")
    return render(
        request,
        "casework/my_caseload.html",
        {
            "episodes": episodes,
            "today": timezone.localdate(),
            "risk": risk,
            "sort": sort,
            "risks": queries.RISK_FILTERS,
            "sorts": queries.SORTS,
        },
    )


@require_perm(Perm.VIEW_TEAM_CASELOAD)
def team_caseload(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    visible = Episode.objects.visible_to(user)
    episodes = queries.caseload(visible)
    worker = request.GET.get("worker", "")
    kind = request.GET.get("type", "")
    if worker == "none":
        episodes = episodes.filter(allocated_worker__isnull=True)
    elif (worker_id := parse_id(worker)) is not None:
        episodes = episodes.filter(allocated_worker_id=worker_id)
    if kind in ExploitationType.values:
        episodes = episodes.filter(referral__primary_type=kind)
    risk, sort = request.GET.get("risk", ""), request.GET.get("sort", "")
    episodes = queries.by_risk(episodes, risk, sort)
    page = Paginator(episodes, settings.CSHUB_PAGE_SIZE).get_page(request.GET.get("page"))
    with transaction.atomic():
        record_views(user, [e.person_id for e in page], part="team caseload")
    return render(
        request,
        "casework/team_caseload.html",
        {
            "page": page,
            "counts": queries.team_counts(visible),
            "workers": hub_workers(),
            "types": ExploitationType.choices,
            "worker": worker,
            "kind": kind,
            "risk": risk,
            "sort": sort,
            "risks": queries.RISK_FILTERS,
            "sorts": queries.SORTS,
            "today": timezone.localdate(),
        },
    )
