"""The home page: each person's due and overdue work."""

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cshub.access.decorators import signed_in
from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_views
from cshub.casework import queries
from cshub.casework.models import Episode
from cshub.core.limits import without_long_text
from cshub.crossborder.models import (
    CrossBorderMatch,
    InfoRequest,
    MatchStatus,
    RequestDirection,
    RequestStatus,
)
from cshub.notifications import actions, work
from cshub.notifications.forms import EmailChoicesForm
from cshub.referrals.models import Referral
from cshub.regional.models import CrossBorderAlert


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    assert isinstance(user, User)
    if settings.CSHUB_INSTANCE == "region":  # the regional CSHub holds no children: its own pages
        if user.has(Perm.VIEW_REGION):
            return redirect("regional:dashboard")
        if user.has(Perm.MANAGE_REGION):
            return redirect("region:status")
    now = timezone.now()
    today = timezone.localdate(now)
    context: dict[str, object] = {"today": today, "soon_days": work.SOON_DAYS}
    shown: list[int] = []  # children named on the page: each gets a VIEW event
    if user.has(Perm.VIEW_AGGREGATES):
        context["glance"] = queries.hub_at_a_glance(today)
    if user.has(Perm.WRITE_CASE_SUMMARY):
        mine = work.practitioner_work(user, today)
        context["mine"] = mine
        shown += mine.people
    elif user.has(Perm.RECORD_MISSING):  # a missing-service worker
        missing = work.missing_work(user, now)
        context["missing"] = missing
        shown += missing.people
    if user.has(Perm.RECORD_CONSULTATION):
        follow_ups, more = work.consultation_follow_ups(user, today)
        context.update(follow_ups=follow_ups, follow_ups_more=more)
        shown += [i.person.pk for i in follow_ups if i.person]
    if user.has(Perm.DECIDE_REFERRAL):
        pending = list(
            without_long_text(
                Referral.objects.visible_to(user)
                .pending()
                .select_related("person")
                .order_by("received_date"),
                "person",
            )[:5]
        )
        awaiting = list(
            without_long_text(
                Episode.objects.visible_to(user)
                .awaiting_authorisation()
                .select_related("person", "closure_requested_by"),
                "person",
            )[:10]
        )
        context.update(pending=pending, awaiting_authorisation=awaiting)
        shown += [r.person_id for r in pending] + [e.person_id for e in awaiting]
    if user.has(Perm.VIEW_TEAM_CASELOAD):
        team = work.manager_work(user, now)
        context["team"] = team
        context["cross_border_alerts"] = CrossBorderAlert.objects.filter(acknowledged_at__isnull=True).count()
        context["cross_border_matches"] = CrossBorderMatch.objects.filter(status=MatchStatus.PENDING).count()
        context["cross_border_requests"] = InfoRequest.objects.filter(
            direction=RequestDirection.RECEIVED, status=RequestStatus.REQUESTED
        ).count()
        shown += team.people
    if user.has(Perm.MANAGE_USERS) and len(context) == 2:
        return redirect("access:users")
    with transaction.atomic():
        record_views(user, shown, part="home page")
    return render(request, "notifications/home.html", context)


@signed_in
@require_POST
def email_choices(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    form = EmailChoicesForm(request.POST, user=user)
    if form.is_valid():
        actions.set_email_choices(user, form.cleaned_data["kinds"], actor=user)
        messages.success(request, "Your email choices are saved.")
    else:
        messages.error(request, "Choose from the emails offered.")
    return redirect("access:account")
