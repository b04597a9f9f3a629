from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cshub.access.decorators import require_perm
from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_views
from cshub.people.access import get_child_for_user
from cshub.tasks import actions
from cshub.tasks.forms import FilterForm, FinishForm
from cshub.tasks.models import Status, Task


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@require_perm(Perm.VIEW_CHILD)
def task_list(request: HttpRequest) -> HttpResponse:
    """Every action agreed in meetings, plans and supervision, filterable by owner, agency,
    child and state. Managers start from everyone's; others from their own."""
    user = _user(request)
    filters = FilterForm(request.GET)
    data = filters.cleaned_data if filters.is_valid() else {}
    default_owner = "all" if user.has(Perm.VIEW_TEAM_CASELOAD) else "me"
    owner = data.get("owner") or default_owner
    state = data.get("state") or "open"
    tasks = Task.objects.visible_to(user).select_related("owner").prefetch_related("people")
    if owner == "me":
        tasks = tasks.filter(owner=user)
    if data.get("agency"):
        tasks = tasks.filter(owner_agency=data["agency"])
    child = None
    if data.get("child"):
        child = get_child_for_user(user, data["child"], part="actions")
        tasks = tasks.filter(people=child)
    if state == "overdue":
        tasks = tasks.overdue()
    elif state == "closed":
        tasks = tasks.exclude(status=Status.OPEN).order_by("-completed_at")
    else:
        tasks = tasks.open()
    page = Paginator(tasks, 50).get_page(request.GET.get("page"))
    record_views(user, {p.pk for t in page for p in t.people.all()}, part="actions list")
    query = {k: v for k, v in {"owner": owner, "agency": data.get("agency"), "state": state}.items() if v}
    if child:
        query["child"] = str(child.pk)
    return render(
        request,
        "tasks/list.html",
        {
            "page": page,
            "filters": filters,
            "owner": owner,
            "state": state,
            "agency": data.get("agency") or "",
            "child": child,
            "query": urlencode(query),
            "today": timezone.localdate(),
            "overdue_count": Task.objects.visible_to(user).filter(owner=user).overdue().count(),
        },
    )


def _task_for(user: User, pk: int) -> Task:
    task = get_object_or_404(Task.objects.select_related("owner", "completed_by"), pk=pk)
    if not Task.objects.visible_to(user).filter(pk=pk).exists():
        raise Http404
    for person in task.people.all():
        get_child_for_user(user, person.pk, part=f"action {pk}")
    return task


@require_perm(Perm.VIEW_CHILD)
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    task = _task_for(user, pk)
    form = FinishForm(request.POST or None)
    may_update = actions.may_update(user, task) and task.status == Status.OPEN
    if request.method == "POST":
        if not may_update:
            messages.error(request, "Only the owner, whoever agreed it, or a manager can close this action.")
            return redirect("tasks:detail", pk)
        if form.is_valid():
            try:
                actions.finish_task(
                    task,
                    form.cleaned_data["note"],
                    actor=user,
                    cancelled=form.cleaned_data["outcome"] == "cancelled",
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Action closed. It is on the timeline of each child it is about.")
                return redirect("tasks:list")
    return render(
        request,
        "tasks/detail.html",
        {"task": task, "form": form, "may_update": may_update, "today": timezone.localdate()},
    )
