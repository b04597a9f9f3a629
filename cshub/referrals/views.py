from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cshub.access.decorators import require_perm
from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_views
from cshub.core.limits import without_long_text
from cshub.people.access import get_child_for_user
from cshub.referrals import actions
from cshub.referrals.forms import DecisionForm, ReferralForm
from cshub.referrals.models import Decision, Referral


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _referral_for(user: User, pk: int, part: str) -> Referral:
    """A referral through the access helper of its child (404 when the child is hidden)."""
    referral = get_object_or_404(
        Referral.objects.select_related("person", "decided_by", "recorded_by"), pk=pk
    )
    get_child_for_user(user, referral.person_id, part=f"{part} {pk}")
    return referral


@require_perm(Perm.RECORD_REFERRAL)
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    person = get_child_for_user(user, pk, part="referrals")
    form = ReferralForm(request.POST or None, initial={"received_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            referral = actions.record_referral(
                person, actions.ReferralDetails(**form.cleaned_data), actor=user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Referral recorded. It is waiting for a threshold decision.")
            return redirect("referrals:detail", referral.pk)
    return render(request, "referrals/create.html", {"form": form, "person": person, "tab": "referrals"})


@require_perm(Perm.VIEW_CHILD)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _referral_for(_user(request), pk, "referral")
    previous = referral.person.episodes.filter(close_date__lt=referral.received_date).order_by("-close_date")
    episode = getattr(referral, "episode", None)
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "person": referral.person,
            "previous": previous,
            "episode": episode,
            "tab": "referrals",
        },
    )


@require_perm(Perm.DECIDE_REFERRAL)
@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    referral = _referral_for(user, pk, "referral")
    if referral.decision != Decision.PENDING:
        messages.info(request, "This referral already has a threshold decision.")
        return redirect("referrals:detail", referral.pk)
    form = DecisionForm(request.POST or None, initial={"decision_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            actions.decide_referral(
                referral,
                form.cleaned_data["decision"],
                form.cleaned_data["rationale"],
                decision_date=form.cleaned_data["decision_date"],
                actor=user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if referral.decision == Decision.OPEN:
                messages.success(request, "Decision recorded. Now open the hub episode.")
                return redirect("casework:open_episode", referral.pk)
            messages.success(request, "Decision recorded.")
            return redirect("referrals:detail", referral.pk)
    return render(
        request,
        "referrals/decide.html",
        {"form": form, "referral": referral, "person": referral.person, "tab": "referrals"},
    )


@require_perm(Perm.DECIDE_REFERRAL)
def referral_list(request: HttpRequest) -> HttpResponse:
    """Referrals awaiting a threshold decision, oldest first, then recent decisions."""
    user = _user(request)
    pending = without_long_text(
        Referral.objects.visible_to(user).pending().select_related("person").order_by("received_date", "id"),
        "person",
    )
    page = Paginator(pending, settings.CSHUB_PAGE_SIZE).get_page(request.GET.get("page"))
    decided = without_long_text(
        Referral.objects.visible_to(user)
        .exclude(decision=Decision.PENDING)
        .select_related("person", "decided_by")
        .order_by("-decision_date", "-id"),
        "person",
    )[:10]
    with transaction.atomic():
        record_views(
            user, [r.person_id for r in page] + [r.person_id for r in decided], part="referrals list"
        )
    return render(
        request, "referrals/list.html", {"page": page, "decided": decided, "today": timezone.localdate()}
    )
