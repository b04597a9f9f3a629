from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cshub.access.decorators import require_perm
from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.casework import due as casework_due
from cshub.casework.models import Assessment, Episode
from cshub.people.access import get_child_for_user
from cshub.plans import actions, due
from cshub.plans.forms import PlanForm, PlanReviewForm, SafetyPlanForm, TriggerPlanForm
from cshub.plans.models import ChildPlan, SafetyPlan, TriggerPlan


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _add_errors(form: Form, exc: ValidationError) -> None:
    for name, errors in exc.message_dict.items():
        for error in errors:
            form.add_error(name if name in form.fields else None, error)


@require_perm(Perm.VIEW_CHILD)
def casework(request: HttpRequest, pk: int) -> HttpResponse:
    """The child's 'Assessment and plans' tab: what is due, assessments, the plan and its
    actions, the safety plan and the trigger plan."""
    person = get_child_for_user(_user(request), pk, part="assessment and plans")
    episode = person.episodes.open().first()
    plan = due.current_plan(episode) if episode else None
    today = timezone.localdate()
    context: dict[str, Any] = {
        "person": person,
        "tab": "casework",
        "episode": episode,
        "today": today,
        "assessments": Assessment.objects.filter(episode__person=person).select_related("assessor"),
        "plan": plan,
        "plan_due": due.plan_review_due(plan) if plan else None,
        "reviews": plan.reviews.select_related("reviewed_by")[:5] if plan else [],
        "assessment_due": casework_due.for_episode(episode) if episode else None,
        "safety_plan": SafetyPlan.objects.filter(person=person).select_related("written_by").first(),
        "trigger_plan": TriggerPlan.objects.filter(person=person).select_related("written_by").first(),
    }
    return render(request, "plans/casework.html", context)


@require_perm(Perm.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def edit_plan(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    episode = get_object_or_404(Episode, pk=pk)
    person = get_child_for_user(user, episode.person_id, part="child's plan")
    current = due.current_plan(episode)
    initial = (
        {k: getattr(current, k) for k in ("needs", "outcomes", "contingency", "shared_with")}
        if current
        else {}
    )
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.write_plan(episode, form.to_text(), actor=user, tasks=form.tasks())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request, "Child's plan saved. Its actions are on the actions list of their owners."
            )
            return redirect("plans:casework", person.pk)
    return render(
        request,
        "plans/plan_form.html",
        {"form": form, "person": person, "episode": episode, "current": current, "tab": "casework"},
    )


@require_perm(Perm.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def review_plan(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    plan = get_object_or_404(ChildPlan.objects.select_related("episode"), pk=pk)
    person = get_child_for_user(user, plan.episode.person_id, part="plan review")
    tasks = list(plan.tasks.all())
    form = PlanReviewForm(request.POST or None, tasks=tasks, initial={"reviewed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            actions.review_plan(
                plan,
                form.cleaned_data["reviewed_on"],
                form.cleaned_data["progress"],
                form.action_progress(),
                actor=user,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Plan review recorded.")
            return redirect("plans:casework", person.pk)
    return render(
        request, "plans/review_form.html", {"form": form, "person": person, "plan": plan, "tab": "casework"}
    )


@require_perm(Perm.VIEW_CHILD)
def safety_plan(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_child_for_user(_user(request), pk, part="safety plan")
    plan = SafetyPlan.objects.filter(person=person).first()
    return render(request, "plans/safety_plan.html", {"person": person, "plan": plan, "tab": "casework"})


@require_perm(Perm.VIEW_CHILD)
def trigger_plan(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_child_for_user(_user(request), pk, part="trigger plan")
    plan = TriggerPlan.objects.filter(person=person).first()
    return render(request, "plans/trigger_plan.html", {"person": person, "plan": plan, "tab": "casework"})


@require_perm(Perm.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def edit_safety_plan(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    person = get_child_for_user(user, pk, part="safety plan")
    current = SafetyPlan.objects.filter(person=person).first()
    fields = ("safe_people", "safe_places", "i_will", "others_will", "made_with_child")
    form = SafetyPlanForm(
        request.POST or None, initial={k: getattr(current, k) for k in fields} if current else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.write_safety_plan(person, form.to_text(), actor=user)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Safety plan saved. Print it for the child to keep.")
            return redirect("plans:safety_plan", person.pk)
    return render(
        request,
        "plans/plan_simple_form.html",
        {
            "form": form,
            "person": person,
            "tab": "casework",
            "title": "Safety plan",
            "cancel": "plans:safety_plan",
            "intro": "Write this with the child, in their words. They keep a printed copy.",
        },
    )


@require_perm(Perm.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def edit_trigger_plan(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    person = get_child_for_user(user, pk, part="trigger plan")
    current = TriggerPlan.objects.filter(person=person).first()
    fields = ("known_locations", "people_of_concern", "carers_do", "police_do", "who_to_call")
    form = TriggerPlanForm(
        request.POST or None, initial={k: getattr(current, k) for k in fields} if current else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.write_trigger_plan(person, form.to_text(), actor=user)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Trigger plan saved. Share it with the child's carers and the police.")
            return redirect("plans:trigger_plan", person.pk)
    return render(
        request,
        "plans/plan_simple_form.html",
        {
            "form": form,
            "person": person,
            "tab": "casework",
            "title": "Trigger plan",
            "cancel": "plans:trigger_plan",
            "intro": f"What carers and police do when {person.forename} goes missing.",
        },
    )
