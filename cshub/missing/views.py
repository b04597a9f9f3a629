import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cshub.access.decorators import require_perm
from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_views
from cshub.casework.forms import hub_workers
from cshub.core.codes import Agency
from cshub.core.ids import parse_id
from cshub.core.limits import without_long_text
from cshub.missing import actions, queries
from cshub.missing.forms import InterviewForm, MissingEpisodeForm, PanelDecisionForm, ReviewForm, TriggerForm
from cshub.missing.models import EntryKind, HeldReport, MissingEpisode, ReturnInterview, TriggerRule
from cshub.missing.queries import interview_queue
from cshub.people.access import get_child_for_user
from cshub.people.duplicates import check_duplicates
from cshub.people.models import visible_q


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@require_perm(Perm.RECORD_MISSING)
@require_http_methods(["GET", "POST"])
def record(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    person = get_child_for_user(user, pk, part="missing")
    form = MissingEpisodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        report = actions.MissingReport(
            reported_at=d["reported_at"],
            returned_at=d["returned_at"],
            missing_type=d["missing_type"],
            police_risk=d["police_risk"],
            from_care=d["from_care"] == "Y",
            police_reference=d["police_reference"] or None,
            placement=d["placement"],
            found_location=d["found_location"],
            found_with=d["found_with"],
            found_with_adult_of_concern=d["found_with_adult_of_concern"],
            circumstances=d["circumstances"],
        )
        try:
            actions.record_missing_episode(person, report, actor=user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Missing episode recorded.")
            return redirect("casework:child", person.pk)
    return render(request, "missing/record.html", {"form": form, "person": person, "tab": "overview"})


@require_perm(Perm.RECORD_MISSING)
def queue(request: HttpRequest) -> HttpResponse:
    """Return interviews to do, least time left on the 72-hour clock first."""
    user = _user(request)
    where = request.GET.get("from", "")
    workers = list(hub_workers())
    chosen = request.GET.get("worker", "")
    worker = next((w for w in workers if str(w.pk) == chosen), None)
    team = request.GET.get("team", "")
    if team not in Agency.values:
        team = ""
    items = interview_queue(
        user, from_care={"care": True, "home": False}.get(where), worker=worker, team=team
    )
    record_views(user, [i.episode.person_id for i in items], part="return interview queue")
    return render(
        request,
        "missing/queue.html",
        {
            "items": items,
            "where": where,
            "workers": workers,
            "worker": worker,
            "team": team,
            "teams": Agency.choices,
            "overdue": sum(1 for i in items if i.overdue),
            "days": settings.CSHUB_RHI_QUEUE_DAYS,
        },
    )


@require_perm(Perm.RECORD_MISSING)
@require_http_methods(["GET", "POST"])
def interview(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    episode = get_object_or_404(MissingEpisode, pk=pk)
    person = get_child_for_user(user, episode.person_id, part=f"missing episode {pk}")
    form = InterviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        record_ = actions.InterviewRecord(
            outcome=d["outcome"],
            offered_at=d["offered_at"],
            completed_at=d["completed_at"],
            interviewer=user if d["outcome"] == "COMPLETED" else None,
            delay_reason=d["delay_reason"],
            exploitation_concern={"Y": True, "N": False}.get(d["exploitation_concern"]),
            offered_how=d["offered_how"],
            child_account=d["child_account"],
            push_factors=d["push_factors"],
            pull_factors=d["pull_factors"],
            where_and_who=d["where_and_who"],
            entries=form.entries(),
        )
        try:
            actions.record_return_interview(episode, record_, actor=user)
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
        else:
            messages.success(request, "Return interview recorded.")
            return redirect("missing:queue")
    return render(
        request,
        "missing/interview.html",
        {"form": form, "person": person, "episode": episode, "tab": "overview"},
    )


@require_perm(Perm.RECORD_MISSING)
@require_http_methods(["GET", "POST"])
def panel(request: HttpRequest) -> HttpResponse:
    """The missing panel: children brought by a trigger, and the panel's decisions."""
    user = _user(request)
    failed: dict[int, PanelDecisionForm] = {}
    if request.method == "POST":
        person = get_child_for_user(user, parse_id(request.POST.get("person")) or 0, part="missing panel")
        form = PanelDecisionForm(request.POST, prefix=f"p{person.pk}")
        if form.is_valid():
            actions.record_panel_decision(
                person, form.cleaned_data["decision"], form.cleaned_data["actions"], actor=user
            )
            messages.success(request, f"Decision recorded for {person.full_name}. It is on their timeline.")
            return redirect("missing:panel")
        failed[person.pk] = form
    children = queries.panel(user)
    record_views(user, [c.person.pk for c in children], part="missing panel")
    forms_ = {
        c.person.pk: failed.get(c.person.pk) or PanelDecisionForm(prefix=f"p{c.person.pk}") for c in children
    }
    return render(request, "missing/panel.html", {"children": [(c, forms_[c.person.pk]) for c in children]})


@require_perm(Perm.VIEW_TEAM_CASELOAD)
@require_http_methods(["GET", "POST"])
def triggers(request: HttpRequest) -> HttpResponse:
    """The rules that bring a child to the missing panel, which the hub sets."""
    rules = list(TriggerRule.objects.all())
    forms_ = {
        r.pk: TriggerForm(
            request.POST if request.POST.get("rule") == str(r.pk) else None,
            prefix=f"r{r.pk}",
            initial={"threshold": r.threshold, "days": r.days, "active": r.active},
            rule=r,
        )
        for r in rules
    }
    if request.method == "POST":
        rule = get_object_or_404(TriggerRule, pk=parse_id(request.POST.get("rule")) or 0)
        form = forms_[rule.pk]
        if form.is_valid():
            try:
                actions.update_trigger(rule, actor=_user(request), **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"Trigger saved: {rule.describe()}.")
                return redirect("missing:triggers")
    return render(request, "missing/triggers.html", {"rules": [(r, forms_[r.pk]) for r in rules]})


@require_perm(Perm.VIEW_TEAM_CASELOAD)
def reviews(request: HttpRequest) -> HttpResponse:
    """Completed return interviews waiting for a manager's review, oldest first."""
    user = _user(request)
    waiting = list(
        without_long_text(
            ReturnInterview.objects.filter(
                visible_q(user, prefix="missing_episode__person__"),
                outcome="COMPLETED",
                reviewed_at__isnull=True,
                completed_at__gte=timezone.now() - dt.timedelta(days=settings.CSHUB_RHI_QUEUE_DAYS * 2),
            )
            .select_related("missing_episode__person", "interviewer")
            .order_by("completed_at"),
            "missing_episode",
            "missing_episode__person",
        )[:200]
    )
    record_views(user, [i.missing_episode.person_id for i in waiting], part="interviews to review")
    return render(request, "missing/reviews.html", {"waiting": waiting})


@require_perm(Perm.VIEW_TEAM_CASELOAD)
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = get_object_or_404(ReturnInterview.objects.select_related("missing_episode"), pk=pk)
    person = get_child_for_user(user, item.missing_episode.person_id, part=f"return interview {pk}")
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.review_interview(
                item,
                form.cleaned_data["decision"],
                form.cleaned_data["reason"],
                actor=user,
                exploitation_type=form.cleaned_data["exploitation_type"] or "OTHER",
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if item.follow_up_referral_id:
                messages.success(
                    request, "Review recorded. The referral to the hub is waiting for a threshold decision."
                )
                return redirect("referrals:detail", item.follow_up_referral_id)
            messages.success(request, "Review recorded.")
            return redirect("missing:reviews")
    return render(
        request, "missing/review.html", {"form": form, "interview": item, "person": person, "tab": "overview"}
    )


@require_perm(Perm.RECORD_MISSING)
def patterns(request: HttpRequest) -> HttpResponse:
    """Places, people, vehicles and phones that come up in more than one child's interviews."""
    user = _user(request)
    kind = request.GET.get("kind", "")
    if kind not in EntryKind.values:
        kind = ""
    found = queries.patterns(user, kind=kind)
    record_views(user, {p.pk for f in found for p in f.children}, part="places and people")
    return render(
        request, "missing/patterns.html", {"patterns": found, "kind": kind, "kinds": EntryKind.choices}
    )


@require_perm(Perm.RECORD_MISSING)
def held_reports(request: HttpRequest) -> HttpResponse:
    """Police reports about a child CSHub could not match for certain."""
    return render(request, "missing/held_reports.html", {"held": HeldReport.objects.waiting()})


@require_perm(Perm.RECORD_MISSING)
@require_http_methods(["GET", "POST"])
def held_report(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    held = get_object_or_404(HeldReport.objects.waiting(), pk=pk)
    with transaction.atomic():
        check = check_duplicates(
            user, held.forename, held.surname, held.date_of_birth, part=f"held police report {pk}"
        )
    matches = check.visible
    error = ""
    if request.method == "POST":
        choice = request.POST.get("child", "")
        person = None
        if choice != "new":
            chosen = [m.person for m in matches if str(m.person.pk) == choice]
            if not chosen:
                error = "Select the child this report is about, or that they are new to CSHub"
            else:
                person = chosen[0]
        if not error:
            try:
                episode = actions.resolve_held_report(held, person, actor=user)
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(request, "Report matched: the missing episode is on the child's record.")
                return redirect("casework:child", episode.person_id)
    return render(
        request,
        "missing/held_report.html",
        {"held": held, "matches": matches, "hidden": len(check.restricted), "error": error},
    )
