"""Disruption and joint operation pages: thin, typed; every write through `actions`, every
child through the access helper, every operation through `access.get_operation_for_user`
(404 for anyone not on its list)."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from cshub.access.decorators import require_perm
from cshub.access.models import RolePermission, User
from cshub.access.permissions import Perm
from cshub.audit.events import record_event, record_views
from cshub.audit.models import Action
from cshub.core.limits import without_long_text
from cshub.disruption import actions
from cshub.disruption.access import (
    RESTRICTED_RECORD,
    get_disruption_for_user,
    get_operation_for_user,
    subject_name,
)
from cshub.disruption.forms import (
    ActionForm,
    CloseForm,
    DecisionForm,
    DisruptionForm,
    MeetingForm,
    MembersForm,
    OperationForm,
    StatusForm,
    operation_choices,
)
from cshub.disruption.models import Disruption, Operation, OperationStatus, Status
from cshub.intelligence.models import Subject
from cshub.meetings.models import Meeting
from cshub.people.access import may_see
from cshub.people.models import Person, PersonType
from cshub.tasks import actions as tasks
from cshub.tasks.models import Task


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _intelligence_users() -> "QuerySet[User]":
    """Active users whose role may see intelligence: who may be an officer or a member."""
    roles = RolePermission.objects.filter(permission=Perm.VIEW_INTELLIGENCE).values("role")
    return (
        User.objects.filter(is_active=True, roles__in=roles)
        .distinct()
        .order_by("last_name", "first_name", "id")
    )


def _subject_for(user: User, pk: int) -> Subject:
    subject = get_object_or_404(Subject.objects.select_related("person"), pk=pk)
    if subject.person is not None and not may_see(user, subject.person):
        raise Http404("No such subject")
    return subject


def _children_shown(user: User, people: list[Person]) -> list[Person | None]:
    """Each child, or None ("a restricted record") when the user may not see them."""
    visible = set(
        Person.objects.visible_to(user).filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True)
    )
    return [p if p.pk in visible else None for p in people]


@require_perm(Perm.VIEW_INTELLIGENCE)
def disruptions(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    rows = list(
        without_long_text(Disruption.objects.visible_to(user).select_related("subject__person"))[:200]
    )
    return render(
        request,
        "disruption/list.html",
        {
            "rows": [(d, subject_name(user, d.subject)) for d in rows],
            "may_record": user.has(Perm.RECORD_INTELLIGENCE),
        },
    )


@require_perm(Perm.RECORD_INTELLIGENCE)
@require_http_methods(["GET", "POST"])
def new_disruption(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    subject = _subject_for(user, pk)
    linked = (
        Person.objects.visible_to(user)
        .filter(person_type=PersonType.CHILD, intelligence_links__subject=subject)
        .distinct()
        .order_by("surname", "forename", "id")
    )
    form = DisruptionForm(
        request.POST or None,
        officers=_intelligence_users(),
        children=linked,
        operations=operation_choices(user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        operation = (
            Operation.objects.filter(pk=data["operation"]).first() if data["operation"] is not None else None
        )
        officer = User.objects.filter(pk=data["officer"]).first() if data["officer"] is not None else None
        try:
            created = actions.record_disruption(
                actions.DisruptionDetails(
                    subject=subject,
                    disruption_type=data["disruption_type"],
                    licensed_kind=data["licensed_kind"],
                    on=data["on"],
                    agency=data["agency"],
                    officer=officer,
                    officer_name=data["officer_name"],
                    officer_agency=data["officer_agency"],
                    children=(*data["children"], *data["other_children"]),
                    status=data["status"],
                    outcome=data["outcome"],
                    outcome_detail=data["outcome_detail"],
                    sentence=data["sentence"],
                    expires_on=data["expires_on"],
                    operation=operation,
                    notes=data["notes"],
                ),
                actor=user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{created.type_display} recorded")
            return redirect("disruption:detail", created.pk)
    return render(request, "disruption/form.html", {"form": form, "subject": subject})


@require_perm(Perm.VIEW_INTELLIGENCE)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    with transaction.atomic():
        d = get_disruption_for_user(user, pk)
        children = list(d.children.all())
        shown = _children_shown(user, children)
        record_event(user, Action.VIEW, d, child_id=d.subject.person_id, detail={"part": "disruption"})
        record_views(user, [p.pk for p in shown if p is not None], part="disruption")
    return render(
        request,
        "disruption/detail.html",
        {
            "d": d,
            "subject_name": subject_name(user, d.subject),
            "subject_hidden": subject_name(user, d.subject) == RESTRICTED_RECORD,
            "children": shown,
            "restricted_record": RESTRICTED_RECORD,
            "may_record": user.has(Perm.RECORD_INTELLIGENCE),
        },
    )


@require_perm(Perm.RECORD_INTELLIGENCE)
@require_http_methods(["GET", "POST"])
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    d = get_disruption_for_user(user, pk)
    form = StatusForm(
        request.POST or None,
        initial={
            "status": d.status if d.status != Status.PLANNED else Status.DONE,
            "outcome": d.outcome,
            "outcome_detail": d.outcome_detail,
            "sentence": d.sentence,
            "expires_on": d.expires_on,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.change_status(
                d,
                actions.StatusChange(
                    data["status"],
                    data["outcome"],
                    data["outcome_detail"],
                    data["sentence"],
                    data["expires_on"],
                ),
                actor=user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Disruption updated")
            return redirect("disruption:detail", d.pk)
    return render(request, "disruption/status.html", {"form": form, "d": d})


# Joint operations ------------------------------------------------------------------------


@require_perm(Perm.VIEW_INTELLIGENCE)
def operations(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    rows = without_long_text(Operation.objects.open_to(user))
    return render(
        request,
        "disruption/operations.html",
        {"rows": rows, "may_record": user.has(Perm.RECORD_INTELLIGENCE)},
    )


def _details(form: OperationForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {"children": data["children"], "subjects": data["subjects"], "members": tuple(data["members"])}


@require_perm(Perm.RECORD_INTELLIGENCE)
@require_http_methods(["GET", "POST"])
def new_operation(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = OperationForm(request.POST or None, people=_intelligence_users().exclude(pk=user.pk))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = actions.open_operation(
                actions.OperationDetails(
                    name=data["name"], aims=data["aims"], opened_on=data["opened_on"], **_details(form)
                ),
                actor=user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{created.name} opened")
            return redirect("disruption:operation", created.pk)
    return render(
        request, "disruption/operation_form.html", {"form": form, "title": "Open a joint operation"}
    )


@require_perm(Perm.VIEW_INTELLIGENCE)
def operation(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    with transaction.atomic():
        found = get_operation_for_user(user, pk, part="joint operation")
        children = list(found.children.order_by("surname", "forename", "id"))
        shown = _children_shown(user, children)
        record_views(user, [p.pk for p in shown if p is not None], part="joint operation")
    subjects = [(s, subject_name(user, s)) for s in found.subjects.select_related("person")]
    task_ids = found.task_links.values("task_id")
    meeting_ids = found.meeting_links.values("meeting_id")
    return render(
        request,
        "disruption/operation.html",
        {
            "op": found,
            "children": shown,
            "subjects": subjects,
            "members": found.members.order_by("first_name", "last_name"),
            "decisions": found.decisions.select_related("recorded_by"),
            "tasks": Task.objects.visible_to(user).filter(pk__in=task_ids),
            "meetings": Meeting.objects.filter(pk__in=meeting_ids).order_by("date"),
            "disruptions": [
                (d, subject_name(user, d.subject))
                for d in without_long_text(found.disruptions.select_related("subject__person"))
            ],
            "restricted_record": RESTRICTED_RECORD,
            "is_open": found.status == OperationStatus.OPEN,
            "may_record": user.has(Perm.RECORD_INTELLIGENCE),
            "may_meet": user.has(Perm.RUN_MEETINGS),
        },
    )


@require_perm(Perm.RECORD_INTELLIGENCE)
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    found = get_operation_for_user(user, pk, audit=False)
    form = MembersForm(
        request.POST or None,
        people=_intelligence_users().exclude(pk=found.created_by_id),
        initial={
            "children": ", ".join(str(i) for i in found.children.values_list("pk", flat=True)),
            "subjects": ", ".join(str(i) for i in found.subjects.values_list("pk", flat=True)),
            "members": list(found.members.exclude(pk=found.created_by_id).values_list("pk", flat=True)),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_operation(found, actor=user, **_details(form))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Operation changed")
            return redirect("disruption:operation", found.pk)
    return render(
        request,
        "disruption/operation_form.html",
        {"form": form, "op": found, "title": f"Children, subjects and who may open {found.name}"},
    )


@require_perm(Perm.RECORD_INTELLIGENCE)
@require_http_methods(["GET", "POST"])
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    found = get_operation_for_user(user, pk, audit=False)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_decision(
                found, form.cleaned_data["text"], form.cleaned_data["decided_on"], actor=user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Decision recorded")
            return redirect("disruption:operation", found.pk)
    return render(
        request, "disruption/operation_form.html", {"form": form, "op": found, "title": "Record a decision"}
    )


@require_perm(Perm.RECORD_INTELLIGENCE)
@require_http_methods(["GET", "POST"])
def action(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    found = get_operation_for_user(user, pk, audit=False)
    form = ActionForm(request.POST or None, people=found.members.order_by("first_name", "last_name"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        owner = found.members.filter(pk=data["owner"]).first() if data["owner"] is not None else None
        try:
            actions.agree_action(
                found,
                tasks.NewTask(
                    data["description"], data["owner_agency"], data["due_date"], owner, data["owner_name"]
                ),
                actor=user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Action agreed")
            return redirect("disruption:operation", found.pk)
    return render(
        request, "disruption/operation_form.html", {"form": form, "op": found, "title": "Agree an action"}
    )


@require_perm(Perm.RECORD_INTELLIGENCE)
@require_http_methods(["GET", "POST"])
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    found = get_operation_for_user(user, pk, audit=False)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            held = actions.arrange_meeting(found, form.cleaned_data["date"], actor=user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Meeting arranged")
            return redirect("meetings:detail", held.pk)
    return render(
        request, "disruption/operation_form.html", {"form": form, "op": found, "title": "Arrange a meeting"}
    )


@require_perm(Perm.RECORD_INTELLIGENCE)
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    found = get_operation_for_user(user, pk, audit=False)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.close_operation(found, form.cleaned_data["summary"], actor=user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{found.name} closed")
            return redirect("disruption:operation", found.pk)
    return render(
        request, "disruption/operation_form.html", {"form": form, "op": found, "title": f"Close {found.name}"}
    )
