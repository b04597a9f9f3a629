"""Courses, the training needs analysis, and the share of each team and agency up to date
(docs/workforce.md). Courses and the analysis are changed by holders of
Perm.MANAGE_WORKFORCE; the shares are read by them and by holders of VIEW_AGGREGATES
(analysts, strategic leads: figures, no names). The drill-down to people is for
MANAGE_WORKFORCE, and for a team's own manager holding VIEW_TEAM_CASELOAD."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods, require_POST

from cshub.access.decorators import require_perm
from cshub.access.permissions import Perm, RoleCode
from cshub.core.codes import Agency
from cshub.core.dates import local_today
from cshub.core.ids import parse_id
from cshub.workforce import actions
from cshub.workforce import training as rules
from cshub.workforce.forms import CourseForm, RequirementForm, SessionForm
from cshub.workforce.models import Course, CourseRequirement, Team
from cshub.workforce.views.teams import PAGE_SIZE, actor

# Courses --------------------------------------------------------------------------------


@require_perm(Perm.MANAGE_WORKFORCE)
def course_list(request: HttpRequest) -> HttpResponse:
    courses = Course.objects.annotate(
        required_of=Count("requirements", distinct=True),
        recorded=Count("records", filter=Q(records__withdrawn_at__isnull=True), distinct=True),
    ).order_by("-active", "name")
    page = Paginator(courses, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "workforce/courses.html", {"page": page, "tab": "courses"})


@require_perm(Perm.MANAGE_WORKFORCE)
@require_http_methods(["GET", "POST"])
def course_create(request: HttpRequest) -> HttpResponse:
    return _course_form(request, None)


@require_perm(Perm.MANAGE_WORKFORCE)
@require_http_methods(["GET", "POST"])
def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _course_form(request, get_object_or_404(Course, pk=pk))


def _course_form(request: HttpRequest, course: Course | None) -> HttpResponse:
    initial = (
        {
            "name": course.name,
            "provider": course.provider,
            "valid_months": course.valid_months,
            "description": course.description,
        }
        if course
        else {}
    )
    form = CourseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        fields: dict[str, Any] = {
            "description": d["description"],
            "provider": d["provider"],
            "valid_months": d["valid_months"],
            "actor": actor(request),
        }
        try:
            if course is None:
                course = actions.create_course(d["name"], **fields)
                messages.success(
                    request, f"{course.name} added. Say who needs it in the training needs analysis."
                )
            else:
                actions.change_course(course, d["name"], **fields)
                messages.success(
                    request, f"{course.name} changed. Records already made keep their expiry dates."
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("workforce:courses")
    return render(request, "workforce/course_form.html", {"form": form, "course": course, "tab": "courses"})


@require_perm(Perm.MANAGE_WORKFORCE)
@require_POST
def course_active(request: HttpRequest, pk: int) -> HttpResponse:
    course = get_object_or_404(Course, pk=pk)
    active = request.POST.get("active") == "yes"
    actions.set_course_active(course, active, actor=actor(request))
    messages.success(
        request,
        f"{course.name} is in use again."
        if active
        else f"{course.name} is no longer in use or required of anyone.",
    )
    return redirect("workforce:courses")


# The training needs analysis ---------------------------------------------------------------


@require_perm(Perm.MANAGE_WORKFORCE)
@require_http_methods(["GET", "POST"])
def training_needs(request: HttpRequest) -> HttpResponse:
    """Each course and who needs it: a table of courses by roles, then each requirement with
    its agency and reason; add one."""
    form = RequirementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.add_requirement(
                d["course"], role=d["role"], agency=d["agency"], reason=d["reason"], actor=actor(request)
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{d['course'].name} added to the training needs analysis.")
            return redirect("workforce:training_needs")
    requirements = list(CourseRequirement.objects.select_related("course").filter(course__active=True))
    courses = Course.objects.filter(active=True).order_by("name")
    roles = [("", "Every role"), *RoleCode.choices]
    grid = []
    for course in courses:
        mine = [r for r in requirements if r.course_id == course.pk]
        cells = []
        for code, _ in roles:
            agencies = [
                r.get_agency_display() if r.agency else "Every agency" for r in mine if r.role == code
            ]
            cells.append(agencies)
        grid.append((course, cells))
    return render(
        request,
        "workforce/training_needs.html",
        {"form": form, "grid": grid, "roles": roles, "requirements": requirements, "tab": "needs"},
    )


@require_perm(Perm.MANAGE_WORKFORCE)
@require_http_methods(["GET", "POST"])
def requirement_remove(request: HttpRequest, pk: int) -> HttpResponse:
    requirement = get_object_or_404(CourseRequirement.objects.select_related("course"), pk=pk)
    if request.method == "POST":
        actions.remove_requirement(requirement, actor=actor(request))
        messages.success(request, "Requirement removed from the training needs analysis.")
        return redirect("workforce:training_needs")
    return render(request, "workforce/requirement_remove.html", {"requirement": requirement, "tab": "needs"})


# The shares up to date --------------------------------------------------------------------


@require_perm(Perm.MANAGE_WORKFORCE, Perm.VIEW_AGGREGATES, Perm.VIEW_TEAM_CASELOAD)
def training_overview(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    today = local_today()
    found = rules.shares(today)
    teams = {t.pk: t for t in Team.objects.filter(Q(active=True) | Q(pk__in=[k for k in found.by_team if k]))}
    by_team = [
        (team, found.by_team.get(team.pk, rules.Share()), rules.managed_team(user, team))
        for team in sorted(teams.values(), key=lambda t: t.name)
    ]
    by_agency = [
        (code, label, found.by_agency[code]) for code, label in Agency.choices if code in found.by_agency
    ]
    courses = {c.pk: c for c in Course.objects.filter(pk__in=list(found.by_course))}
    by_course = sorted(((courses[k], s) for k, s in found.by_course.items()), key=lambda cs: cs[0].name)
    return render(
        request,
        "workforce/training.html",
        {
            "today": today,
            "total": found.total,
            "no_team": found.by_team.get(None),
            "by_team": by_team,
            "by_agency": by_agency,
            "by_course": by_course,
            "statuses": rules.ORDER,
            "names": user.has(Perm.MANAGE_WORKFORCE),
            "manages": user.has(Perm.MANAGE_WORKFORCE),
            "tab": "training",
        },
    )


@require_perm(Perm.MANAGE_WORKFORCE, Perm.VIEW_TEAM_CASELOAD)
def training_people(request: HttpRequest) -> HttpResponse:
    """The drill-down: the people of a team (`?team=<id>`), of an agency (`?agency=CODE`),
    or in no team (`?team=none`), each with their gaps. Ids and codes only in the query."""
    user = actor(request)
    people = rules.staff().select_related("membership__team").order_by("first_name", "last_name", "username")
    team: Team | None = None
    agency = request.GET.get("agency", "")
    heading = "Everyone"
    raw_team = request.GET.get("team", "")
    if raw_team == "none":
        people, heading = people.filter(membership__isnull=True), "People in no team"
    elif raw_team:
        team_id = parse_id(raw_team)
        if team_id is None:
            raise Http404
        team = get_object_or_404(Team, pk=team_id)
        people, heading = people.filter(membership__team=team), team.name
    elif agency:
        if agency not in Agency.values:
            raise Http404
        people, heading = people.filter(agency=agency), Agency(agency).label
    if not (user.has(Perm.MANAGE_WORKFORCE) or (team is not None and rules.managed_team(user, team))):
        raise PermissionDenied
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    today = local_today()
    statuses = rules.statuses_for(page, today)
    rows = [(person, statuses.get(person.pk, [])) for person in page]
    query = f"team={raw_team}" if raw_team else (f"agency={agency}" if agency else "")
    return render(
        request,
        "workforce/training_people.html",
        {"page": page, "rows": rows, "heading": heading, "today": today, "query": query, "tab": "training"},
    )


@require_perm(Perm.MANAGE_WORKFORCE)
@require_http_methods(["GET", "POST"])
def session_record(request: HttpRequest) -> HttpResponse:
    """One course for several people at once (`?team=<id>` offers that team's members)."""
    team_id = parse_id(request.GET.get("team", ""))
    team = Team.objects.filter(pk=team_id).first() if team_id else None
    form = SessionForm(request.POST or None, team=team)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            records = actions.record_training(
                d["people"],
                d["course"],
                d["completed_on"],
                provider=d["provider"],
                expires_on=d["expires_on"],
                note=d["note"],
                actor=actor(request),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            n = len(records)
            messages.success(
                request, f"{d['course'].name} recorded for {n} {'person' if n == 1 else 'people'}."
            )
            return redirect("workforce:training")
    teams = Team.objects.filter(active=True)
    return render(
        request,
        "workforce/session_form.html",
        {"form": form, "team": team, "teams": teams, "tab": "training"},
    )


urlpatterns: list[URLPattern] = [
    path("workforce/courses/", course_list, name="courses"),
    path("workforce/courses/new/", course_create, name="course_create"),
    path("workforce/courses/<int:pk>/edit/", course_edit, name="course_edit"),
    path("workforce/courses/<int:pk>/active/", course_active, name="course_active"),
    path("workforce/training-needs/", training_needs, name="training_needs"),
    path("workforce/training-needs/<int:pk>/remove/", requirement_remove, name="requirement_remove"),
    path("workforce/training/", training_overview, name="training"),
    path("workforce/training/people/", training_people, name="training_people"),
    path("workforce/training/record/", session_record, name="session_record"),
]
