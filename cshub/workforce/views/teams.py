"""Teams and their members (Perm.MANAGE_WORKFORCE: team managers): the list, a team's
page with its members, add, change, switch off and on, put someone in a team or move them,
remove them (after a confirmation). Every POST goes through cshub.workforce.actions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods, require_POST

from cshub.access.decorators import require_perm
from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.workforce import actions
from cshub.workforce.forms import MemberForm, TeamForm
from cshub.workforce.models import Membership, Team

PAGE_SIZE = 25


def actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@require_perm(Perm.MANAGE_WORKFORCE)
def team_list(request: HttpRequest) -> HttpResponse:
    teams = (
        Team.objects.select_related("manager")
        .annotate(members=Count("memberships"))
        .order_by("-active", "name")
    )
    page = Paginator(teams, PAGE_SIZE).get_page(request.GET.get("page"))
    unplaced = User.objects.filter(is_active=True, membership__isnull=True).count()
    return render(request, "workforce/teams.html", {"page": page, "unplaced": unplaced, "tab": "teams"})


@require_perm(Perm.MANAGE_WORKFORCE)
@require_http_methods(["GET", "POST"])
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(Team.objects.select_related("manager"), pk=pk)
    form = MemberForm(request.POST or None, team=team)
    if request.method == "POST" and form.is_valid():
        try:
            actions.place_member(
                form.cleaned_data["user"], team, since=form.cleaned_data["since"], actor=actor(request)
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{form.cleaned_data['user'].get_full_name()} is now in {team.name}.")
            return redirect("workforce:team", pk=team.pk)
    members = (
        Membership.objects.filter(team=team)
        .select_related("user")
        .order_by("user__first_name", "user__last_name")
    )
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "workforce/team.html", {"team": team, "page": page, "form": form, "tab": "teams"})


@require_perm(Perm.MANAGE_WORKFORCE)
@require_http_methods(["GET", "POST"])
def team_create(request: HttpRequest) -> HttpResponse:
    return _team_form(request, None)


@require_perm(Perm.MANAGE_WORKFORCE)
@require_http_methods(["GET", "POST"])
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _team_form(request, get_object_or_404(Team, pk=pk))


def _team_form(request: HttpRequest, team: Team | None) -> HttpResponse:
    initial = (
        {
            "name": team.name,
            "agency": team.agency,
            "manager": team.manager_id,
            "description": team.description,
        }
        if team
        else {}
    )
    form = TeamForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if team is None:
                team = actions.create_team(
                    d["name"],
                    d["agency"],
                    description=d["description"],
                    manager=d["manager"],
                    actor=actor(request),
                )
                messages.success(request, f"{team.name} added. Put its members in it below.")
            else:
                actions.change_team(
                    team,
                    d["name"],
                    d["agency"],
                    description=d["description"],
                    manager=d["manager"],
                    actor=actor(request),
                )
                messages.success(request, f"{team.name} changed.")
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("workforce:team", pk=team.pk)
    return render(request, "workforce/team_form.html", {"form": form, "team": team, "tab": "teams"})


@require_perm(Perm.MANAGE_WORKFORCE)
@require_POST
def team_active(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(Team, pk=pk)
    active = request.POST.get("active") == "yes"
    try:
        actions.set_team_active(team, active, actor=actor(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"{team.name} is in use again." if active else f"{team.name} is no longer in use."
        )
    return redirect("workforce:team", pk=team.pk)


@require_perm(Perm.MANAGE_WORKFORCE)
@require_http_methods(["GET", "POST"])
def member_remove(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    """Confirm, then take someone out of the team (their training records stay theirs)."""
    team, member = get_object_or_404(Team, pk=pk), get_object_or_404(User, pk=user_pk)  # past 64 bits: 404
    membership = get_object_or_404(Membership.objects.select_related("user", "team"), team=team, user=member)
    if request.method == "POST":
        actions.remove_member(membership.user, actor=actor(request))
        messages.success(
            request, f"{membership.user.get_full_name()} is no longer in {membership.team.name}."
        )
        return redirect("workforce:team", pk=pk)
    return render(request, "workforce/member_remove.html", {"membership": membership, "tab": "teams"})


urlpatterns: list[URLPattern] = [
    path("workforce/teams/", team_list, name="teams"),
    path("workforce/teams/new/", team_create, name="team_create"),
    path("workforce/teams/<int:pk>/", team_detail, name="team"),
    path("workforce/teams/<int:pk>/edit/", team_edit, name="team_edit"),
    path("workforce/teams/<int:pk>/active/", team_active, name="team_active"),
    path("workforce/teams/<int:pk>/members/<int:user_pk>/remove/", member_remove, name="member_remove"),
]
