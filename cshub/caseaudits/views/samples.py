"""Pages of issue 22, part C: audit rounds (dip samples) and allocation, for MANAGE_AUDITS.

A new round is previewed (how many cases, per worker or type, who gets how many, which are
moderated) before the confirm that draws it; the form carries an idempotency key, so sending
it twice makes one round. Children are named only where the manager may see them (a restricted
record they are not named on is counted, not named), and each child named writes its VIEW."""

import datetime as dt
from collections import Counter
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from cshub.access.decorators import require_perm
from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_views
from cshub.caseaudits import actions, sampling
from cshub.caseaudits.allocation import Plan
from cshub.caseaudits.models import COUNTED_RULES, Audit, AuditStatus, Sample, SampleRule, Subject
from cshub.caseaudits.sample_forms import AuditCaseForm, CancelForm, ReallocateForm, SampleForm
from cshub.casework.models import Episode
from cshub.core.dates import local_today
from cshub.people.access import get_child_for_user, may_see
from cshub.people.models import Person, visible_q


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _names(user: User, person_ids: set[int], part: str) -> dict[int, str]:
    """The names of the children this user may see, with one VIEW event each."""
    people = {p.pk: p.full_name for p in Person.objects.filter(visible_q(user, ""), pk__in=person_ids)}
    if people:
        record_views(user, sorted(people), part=part)
    return people


@require_perm(Perm.MANAGE_AUDITS)
def rounds(request: HttpRequest) -> HttpResponse:
    """Every round: its progress (completed of those allocated) and its audits overdue."""
    live = ~Q(audits__status=AuditStatus.CANCELLED)
    today = local_today()
    samples = Sample.objects.select_related("template", "drawn_by").annotate(
        allocated=Count("audits", filter=live),
        completed=Count("audits", filter=Q(audits__status=AuditStatus.COMPLETED)),
        overdue=Count(
            "audits",
            filter=Q(
                audits__status__in=[AuditStatus.ALLOCATED, AuditStatus.IN_PROGRESS],
                audits__due_date__lt=today,
            ),
        ),
    )
    return render(request, "caseaudits/samples/rounds.html", {"samples": samples})


def _definition(data: dict[str, Any]) -> actions.SampleDefinition:
    rule = data["rule"]
    return actions.SampleDefinition(
        rule=rule,
        period_start=data["period_start"],
        period_end=data["period_end"],
        per_stratum=data.get("per_stratum") if rule in COUNTED_RULES else None,
        types=tuple(data.get("types") or ()) if rule == SampleRule.STRATIFIED_BY_TYPE else (),
        seed=data.get("seed"),
        moderation_percent=data["moderation_percent"],
    )


@require_perm(Perm.MANAGE_AUDITS)
@require_http_methods(["GET", "POST"])
def new_round(request: HttpRequest) -> HttpResponse:
    """The round's definition; "Preview" shows what it would draw, "Draw" draws it."""
    user = _user(request)
    form = SampleForm(request.POST or None)
    if request.method == "POST" and "change" not in request.POST and form.is_valid():
        data = form.cleaned_data
        if "confirm" in request.POST:
            try:
                sample = actions.draw_sample(
                    data["name"],
                    data["template"],
                    _definition(data),
                    list(data["auditors"]),
                    data["due_date"],
                    actor=user,
                    request_key=data.get("request_key"),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                made = sample.audits.count()
                messages.success(
                    request, f"Audit round drawn: {made} audit{'' if made == 1 else 's'} allocated."
                )
                return redirect("caseaudits:sample", sample.pk)
        else:
            try:
                preview = actions.preview_sample(
                    data["template"], _definition(data), list(data["auditors"]), actor=user
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                hidden = [
                    (key, value)
                    for key, values in request.POST.lists()
                    if key not in ("csrfmiddlewaretoken", "seed", "confirm", "preview")
                    for value in values
                ]
                hidden.append(("seed", str(preview.seed)))
                return render(
                    request,
                    "caseaudits/samples/preview.html",
                    {
                        **_plan_context(user, preview.plan, data["rule"]),
                        "hidden": hidden,
                        "seed": preview.seed,
                        "data": data,
                    },
                )
    return render(request, "caseaudits/samples/new.html", {"form": form})


def _plan_context(user: User, plan: Plan, rule: str) -> dict[str, Any]:
    users = {
        u.pk: u
        for u in User.objects.filter(
            pk__in={*plan.load(), *(c.primary.case.worker_id for c in plan.cases)} - {None}
        )
    }
    names = _names(user, {c.primary.case.person_id for c in plan.cases}, "audit round preview")
    rows = [
        {
            "child": names.get(c.primary.case.person_id, ""),
            "worker": users.get(c.primary.case.worker_id or 0),
            "auditor": c.primary.lead,
            "moderator": c.moderation.lead if c.moderation else None,
            "stratum": _stratum_label(rule, c.primary.case.stratum, users),
        }
        for c in plan.cases
    ]
    strata = Counter(r["stratum"] for r in rows) if rule in COUNTED_RULES else Counter()
    load = sorted(((users[pk], n) for pk, n in plan.load().items()), key=lambda p: (-p[1], str(p[0])))
    return {
        "rows": rows,
        "strata": sorted(strata.items()),
        "load": load,
        "moderated": plan.moderated,
        "restricted": sum(1 for r in rows if not r["child"]),
    }


def _stratum_label(rule: str, stratum: str, users: dict[int, User]) -> str:
    if rule == SampleRule.STRATIFIED_BY_TYPE:
        return sampling.type_label(stratum)
    if rule == SampleRule.OPEN_PER_WORKER and stratum.isdigit():
        worker = users.get(int(stratum))
        return str(worker) if worker else ""
    return ""


@require_perm(Perm.MANAGE_AUDITS)
def round_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A round's audits (child, case worker, auditor, moderation, status, due), its seed, and
    whether drawing it again from the seed gives the same cases."""
    user = _user(request)
    sample = get_object_or_404(Sample.objects.select_related("template", "drawn_by"), pk=pk)
    audits = list(sample.audits.select_related("case_worker", "auditor", "moderates__auditor").order_by("id"))
    names = _names(user, {a.person_id for a in audits}, f"audit round {pk}")
    today = local_today()
    rows = [{"audit": a, "child": names.get(a.person_id, ""), "overdue": a.is_overdue(today)} for a in audits]
    live = [a for a in audits if a.status != AuditStatus.CANCELLED]
    return render(
        request,
        "caseaudits/samples/round.html",
        {
            "sample": sample,
            "rows": rows,
            "redraw": sampling.redraw(sample),
            "allocated": len(live),
            "completed": sum(1 for a in live if a.status == AuditStatus.COMPLETED),
            "overdue": sum(1 for r in rows if r["overdue"]),
            "restricted": sum(1 for r in rows if not r["child"]),
            "types": [sampling.type_label(t) for t in sample.types],
            "counted": sample.rule in COUNTED_RULES,
        },
    )


def _audit_child(user: User, audit: Audit) -> Person | None:
    """The child's record when this manager may see it (a VIEW event), else None: allocation
    of a restricted record's audit goes on without its name."""
    person = audit.person
    return (
        get_child_for_user(user, person.pk, part=f"case audit {audit.pk}") if may_see(user, person) else None
    )


@require_perm(Perm.MANAGE_AUDITS)
@require_http_methods(["GET", "POST"])
def reallocate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    audit = get_object_or_404(Audit.objects.open().select_related("person", "auditor", "case_worker"), pk=pk)
    form = ReallocateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.reallocate(audit, form.cleaned_data["auditor"], actor=user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"The audit is now {audit.auditor}'s.")
            return _back(audit)
    return render(
        request,
        "caseaudits/samples/reallocate.html",
        {"form": form, "audit": audit, "person": _audit_child(user, audit)},
    )


@require_perm(Perm.MANAGE_AUDITS)
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    audit = get_object_or_404(Audit.objects.open().select_related("person", "auditor", "case_worker"), pk=pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.cancel_audit(audit, form.cleaned_data["reason"], actor=user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Audit cancelled.")
            return _back(audit)
    return render(
        request,
        "caseaudits/samples/cancel.html",
        {"form": form, "audit": audit, "person": _audit_child(user, audit)},
    )


def _back(audit: Audit) -> HttpResponse:
    if audit.sample_id:
        return redirect("caseaudits:sample", audit.sample_id)
    if audit.episode_id:
        return redirect("casework:episode", audit.episode_id)
    return redirect("caseaudits:samples")


@require_perm(Perm.MANAGE_AUDITS)
@require_http_methods(["GET", "POST"])
def audit_episode(request: HttpRequest, pk: int) -> HttpResponse:
    """Audit this case: one audit of a hub episode outside a round."""
    user = _user(request)
    episode = get_object_or_404(Episode.objects.select_related("allocated_worker"), pk=pk)
    person = get_child_for_user(user, episode.person_id, part=f"audit episode {pk}")
    form = AuditCaseForm(
        request.POST or None,
        subject=Subject.EPISODE,
        initial={"due_date": local_today() + dt.timedelta(days=28)},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.audit_case(
                d["template"], auditor=d["auditor"], due_date=d["due_date"], actor=user, episode=episode
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Case audit allocated to {d['auditor']}.")
            return redirect("casework:episode", episode.pk)
    earlier = episode.case_audits.select_related("auditor").order_by("-allocated_at", "-id")
    return render(
        request,
        "caseaudits/samples/audit_case.html",
        {"form": form, "episode": episode, "person": person, "earlier": earlier, "tab": "overview"},
    )


urlpatterns: list[URLPattern] = [
    path("audits/rounds/", rounds, name="samples"),
    path("audits/rounds/new/", new_round, name="sample_new"),
    path("audits/rounds/<int:pk>/", round_page, name="sample"),
    path("audits/rounds/audit/<int:pk>/reallocate/", reallocate, name="reallocate"),
    path("audits/rounds/audit/<int:pk>/cancel/", cancel, name="cancel_audit"),
    path("audits/rounds/episode/<int:pk>/audit/", audit_episode, name="audit_episode"),
]
