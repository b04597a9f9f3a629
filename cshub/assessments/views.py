from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cshub.access.decorators import require_perm
from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.assessments import actions
from cshub.assessments.forms import AssessmentForm, ReviewForm
from cshub.assessments.models import Indicator, ScoringRules
from cshub.casework.models import Assessment, Episode
from cshub.people.access import get_child_for_user


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _assessment_for(user: User, pk: int) -> Assessment:
    assessment = get_object_or_404(
        Assessment.objects.select_related("episode", "assessor", "reviewer"), pk=pk
    )
    get_child_for_user(user, assessment.episode.person_id, part=f"assessment {pk}")
    return assessment


@require_perm(Perm.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    episode = get_object_or_404(Episode, pk=pk)
    person = get_child_for_user(user, episode.person_id, part="new assessment")
    if not episode.is_open:
        messages.error(request, "This episode is closed. Assess within the child's open episode.")
        return redirect("casework:episode", episode.pk)
    indicators = list(Indicator.objects.filter(active=True))
    form = AssessmentForm(
        request.POST or None, indicators=indicators, initial={"completed_date": timezone.localdate()}
    )
    suggested = None
    if request.method == "POST":
        _, suggested, _ = actions.suggestion({i.code for i in indicators if request.POST.get(i.code)})
    if request.method == "POST" and form.is_valid():
        record = form.to_record()
        try:
            assessment = actions.record_risk_assessment(episode, record, actor=user)
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                target = None if name == "__all__" or name not in form.fields else name
                for error in errors:
                    form.add_error(target, error)
        else:
            messages.success(request, "Assessment saved. A manager will review it.")
            return redirect("assessments:detail", assessment.pk)
    last = episode.assessments.first()
    return render(
        request,
        "assessments/form.html",
        {
            "form": form,
            "person": person,
            "episode": episode,
            "tab": "casework",
            "suggested": suggested,
            "rules": ScoringRules.objects.current(),
            "last": last,
        },
    )


@require_perm(Perm.VIEW_CHILD)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    assessment = _assessment_for(user, pk)
    return render(
        request,
        "assessments/detail.html",
        {
            "assessment": assessment,
            "person": assessment.episode.person,
            "findings": assessment.findings.select_related("indicator"),
            "tab": "casework",
            "may_review": user.has(Perm.REVIEW_CASEWORK)
            and not assessment.reviewer_risk_level
            and assessment.assessor_id != user.pk,
        },
    )


@require_perm(Perm.REVIEW_CASEWORK)
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    assessment = _assessment_for(user, pk)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.review_assessment(
                assessment, form.cleaned_data["level"], form.cleaned_data["reason"], actor=user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Review recorded on the child's timeline.")
            return redirect("assessments:detail", assessment.pk)
    return render(
        request,
        "assessments/review.html",
        {"form": form, "assessment": assessment, "person": assessment.episode.person, "tab": "casework"},
    )


@require_perm(Perm.VIEW_CHILD)
def rules(request: HttpRequest) -> HttpResponse:
    """The scoring rules, every version, so a suggestion can always be explained."""
    versions = list(ScoringRules.objects.all())
    return render(request, "assessments/rules.html", {"versions": versions})
