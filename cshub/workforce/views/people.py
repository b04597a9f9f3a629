"""A member of staff's training (`/workforce/people/<pk>/`): their team, roles, each required
course with its status and dates, their records; record, correct and withdraw (after a
confirmation) for holders of Perm.MANAGE_WORKFORCE. Seen by the person themselves, by
MANAGE_WORKFORCE and by their team's manager holding VIEW_TEAM_CASELOAD
(`workforce.training.may_see`); anyone else is told it does not exist."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from cshub.access.decorators import require_perm, signed_in
from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.core.dates import local_today
from cshub.workforce import actions
from cshub.workforce import training as rules
from cshub.workforce.forms import RecordForm, WithdrawForm
from cshub.workforce.models import Membership, TrainingRecord
from cshub.workforce.views.teams import actor


def _person(request: HttpRequest, pk: int) -> User:
    person = get_object_or_404(User, pk=pk)
    if not rules.may_see(actor(request), person):
        raise Http404
    return person


@signed_in
def person(request: HttpRequest, pk: int) -> HttpResponse:
    who = _person(request, pk)
    today = local_today()
    membership = Membership.objects.filter(user=who).select_related("team").first()
    records = TrainingRecord.objects.filter(user=who).select_related("course", "recorded_by", "withdrawn_by")
    return render(
        request,
        "workforce/person.html",
        {
            "person": who,
            "membership": membership,
            "roles": who.roles.all(),
            "courses": rules.required_courses(who, today),
            "records": records,
            "today": today,
            "manages": actor(request).has(Perm.MANAGE_WORKFORCE),
            "tab": "training",
        },
    )


@require_perm(Perm.MANAGE_WORKFORCE)
@require_http_methods(["GET", "POST"])
def record_add(request: HttpRequest, pk: int) -> HttpResponse:
    who = get_object_or_404(User, pk=pk, is_active=True)
    initial = {"course": request.GET.get("course")} if request.GET.get("course", "").isdigit() else {}
    form = RecordForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.record_training(
                [who],
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
            messages.success(request, f"{d['course'].name} recorded.")
            return redirect("workforce:person", pk=who.pk)
    return render(
        request,
        "workforce/record_form.html",
        {"form": form, "person": who, "record": None, "tab": "training"},
    )


@require_perm(Perm.MANAGE_WORKFORCE)
@require_http_methods(["GET", "POST"])
def record_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(
        TrainingRecord.objects.select_related("course", "user"), pk=pk, withdrawn_at__isnull=True
    )
    initial = {
        "completed_on": record.completed_on,
        "provider": record.provider,
        "expires_on": record.expires_on,
        "note": record.note,
    }
    form = RecordForm(request.POST or None, initial=initial, with_course=False)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.change_record(
                record,
                d["completed_on"],
                provider=d["provider"],
                expires_on=d["expires_on"],
                note=d["note"],
                actor=actor(request),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{record.course.name} changed.")
            return redirect("workforce:person", pk=record.user_id)
    return render(
        request,
        "workforce/record_form.html",
        {"form": form, "person": record.user, "record": record, "tab": "training"},
    )


@require_perm(Perm.MANAGE_WORKFORCE)
@require_http_methods(["GET", "POST"])
def record_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(
        TrainingRecord.objects.select_related("course", "user"), pk=pk, withdrawn_at__isnull=True
    )
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.withdraw_record(record, form.cleaned_data["reason"], actor=actor(request))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{record.course.name} withdrawn. It no longer counts.")
            return redirect("workforce:person", pk=record.user_id)
    return render(
        request, "workforce/record_withdraw.html", {"form": form, "record": record, "tab": "training"}
    )


urlpatterns: list[URLPattern] = [
    path("workforce/people/<int:pk>/", person, name="person"),
    path("workforce/people/<int:pk>/record/", record_add, name="record_add"),
    path("workforce/records/<int:pk>/edit/", record_edit, name="record_edit"),
    path("workforce/records/<int:pk>/withdraw/", record_withdraw, name="record_withdraw"),
]
