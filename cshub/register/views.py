"""The register's pages (docs/register.md, "The register's pages"): the whole-area register,
the triage list of children not known to the hub and the decision about one of them.

Names only for users who may see children, and only the children they may see (restricted
records are counted, never named); users who see figures only get the counts. Every child
named on a page has a VIEW event."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cshub.access.decorators import require_perm
from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_views
from cshub.missing.models import PoliceRisk
from cshub.people.access import get_child_for_user
from cshub.people.models import Person
from cshub.register import actions
from cshub.register.forms import TriageForm
from cshub.register.models import Concern, Holder, Source, Triage, TriageDecision
from cshub.register.queries import (
    Filters,
    HubKnowledge,
    counts,
    flags_of,
    register_rows,
    triage_rows,
    visible_rows,
)

PER_PAGE = 50
# How each state of "known to the hub" is shown: its words and the tag's colour.
KNOWN_TAGS = {
    HubKnowledge.OPEN.value: ("Open to the hub", "green"),
    HubKnowledge.PAST.value: ("Past episode", "blue"),
    HubKnowledge.CONTACT.value: ("Consultation or referral", "light-blue"),
    HubKnowledge.NEVER.value: ("Not known", "orange"),
}


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _with_flags(people: list[Person], on: Any, user: User) -> list[Person]:
    """The page's children with their flags in force and, for those who may see
    intelligence, how many intelligence links each has (two queries for the page)."""
    flags = flags_of([p.pk for p in people], on)
    links: dict[int, int] = {}
    if user.has(Perm.VIEW_INTELLIGENCE) and people:
        links = dict(
            Person.objects.filter(pk__in=[p.pk for p in people])
            .annotate(n=Count("intelligence_links"))
            .values_list("pk", "n")
        )
    for p in people:
        p.flags = flags.get(p.pk, [])  # type: ignore[attr-defined]
        p.links = links.get(p.pk, 0)  # type: ignore[attr-defined]
        p.holder_label = Holder(p.holder).label if p.holder else ""  # type: ignore[attr-defined]
        known = getattr(p, "hub_knowledge", None)
        p.known = KNOWN_TAGS.get(known or "", ("", ""))  # type: ignore[attr-defined]
        risk = p.last_missing_risk  # type: ignore[attr-defined]
        p.last_missing_risk_label = PoliceRisk(risk).label if risk else ""  # type: ignore[attr-defined]
    return people


@require_perm(Perm.VIEW_CHILD, Perm.VIEW_AGGREGATES)
def register(request: HttpRequest) -> HttpResponse:
    """Every child flagged at risk of exploitation today, one row each, filtered by concern,
    source, who holds the case and whether the hub knows them."""
    user = _user(request)
    today = timezone.localdate()
    if not user.has(Perm.VIEW_CHILD):
        return render(
            request, "register/counts.html", {"counts": counts(register_rows(today), today), "today": today}
        )
    filters = Filters.from_query(request.GET)
    rows = register_rows(today, filters)
    shown = visible_rows(rows, user)
    page = Paginator(shown, PER_PAGE).get_page(request.GET.get("page"))
    people = _with_flags(list(page.object_list), today, user)
    record_views(user, [p.pk for p in people], part="whole-area register")
    to_consider = None
    if user.has(Perm.MANAGE_REGISTER):
        now = timezone.now()
        to_consider = triage_rows(today, now).count()  # as the list counts: restricted records too
    return render(
        request,
        "register/register.html",
        {
            "page": page,
            "people": people,
            "counts": counts(rows, today, visible=shown),
            "filters": filters,
            "query": filters.query_string(),
            "today": today,
            "to_consider": to_consider,
            "concerns": Concern.choices,
            "sources": Source.choices,
            "holders": Holder.choices,
            "knowledge": HubKnowledge.choices,
        },
    )


@require_perm(Perm.MANAGE_REGISTER)
def triage_list(request: HttpRequest) -> HttpResponse:
    """ "Not known to the hub": flagged children the hub has never known, most concerning
    first, each to bring to the daily meeting or to record as considered, not for the hub."""
    user = _user(request)
    now = timezone.now()
    today = timezone.localdate(now)
    rows = triage_rows(today, now)
    shown = visible_rows(rows, user)
    page = Paginator(shown, PER_PAGE).get_page(request.GET.get("page"))
    people = _with_flags(list(page.object_list), today, user)
    record_views(user, [p.pk for p in people], part="register: not known to the hub")
    total = rows.count()
    return render(
        request,
        "register/triage.html",
        {
            "page": page,
            "people": people,
            "total": total,
            "hidden": total - page.paginator.count,
            "today": today,
        },
    )


@require_perm(Perm.MANAGE_REGISTER)
@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The decision about one child on the triage list."""
    user = _user(request)
    person = get_child_for_user(user, pk, part="register: not known to the hub")
    now = timezone.now()
    today = timezone.localdate(now)
    row = triage_rows(today, now).filter(pk=person.pk).first()
    initial = (
        {"decision": request.GET.get("decision")}
        if request.GET.get("decision") in TriageDecision.values
        else {}
    )
    form = TriageForm(request.POST or None, initial=initial)
    if request.method == "POST" and row is not None and form.is_valid():
        try:
            made = actions.triage(
                person, decision=form.cleaned_data["decision"], reason=form.cleaned_data["reason"], actor=user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if made.decision == TriageDecision.MEETING:
                messages.success(
                    request, f"{person.full_name} will be on the agenda of the next daily meeting."
                )
            else:
                messages.success(request, f"Recorded: {person.full_name} considered, not for the hub.")
            return redirect("register:triage")
    return render(
        request,
        "register/decide.html",
        {
            "person": person,
            "row": row,
            "flags": flags_of([person.pk], today).get(person.pk, []),
            "decisions": Triage.objects.filter(person=person).select_related(
                "decided_by", "agenda_item__meeting"
            ),
            "form": form,
            "tab": "overview",
        },
    )
