from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from cshub.access.decorators import require_perm
from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_event, record_views
from cshub.audit.imports import changes_to_child
from cshub.audit.models import Action, AuditEvent
from cshub.core import locks
from cshub.core.limits import without_long_text
from cshub.people import actions
from cshub.people.access import (
    break_glass_reasons_visible,
    get_child_for_user,
    may_change_access,
    may_see,
)
from cshub.people.duplicates import check_duplicates
from cshub.people.forms import (
    AddressForm,
    AliasForm,
    BreakGlassForm,
    GrantForm,
    PersonForm,
    RestrictForm,
    SearchForm,
)
from cshub.people.models import AccessGrant, Person, PersonMerge, TimelineEntry
from cshub.people.search import Match, SearchResult, search_for

PENDING_PERSON = "cshub_new_person"


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@require_perm(Perm.VIEW_CHILD)
@require_http_methods(["GET", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    """Search is a POST, so that no name ever appears in a URL or a server log."""
    form = SearchForm(request.POST or None)
    results: list[tuple[Match, bool]] | None = None
    outcome: SearchResult | None = None
    if request.method == "POST" and form.is_valid():
        user = _user(request)
        outcome = search_for(
            Person.objects.visible_to(user),
            form.cleaned_data["name"],
            date_of_birth=form.cleaned_data["date_of_birth"],
            age=form.cleaned_data["age"],
            limit=settings.CSHUB_PAGE_SIZE,
        )
        # Restricted records the user is not named on match on the name alone: a date of
        # birth or age must not confirm who they are. Each such hit is audited.
        results = [(m, True) for m in outcome.matches] + [(m, False) for m in outcome.restricted]
        with transaction.atomic():
            record_event(user, Action.SEARCH, detail={"results": len(results), "more": outcome.more})
            record_views(user, [m.person.pk for m in outcome.matches], part="search results")
            for match in outcome.restricted:
                record_event(
                    user, Action.SEARCH, match.person, child_id=match.person.pk, detail={"restricted": True}
                )
    return render(request, "people/search.html", {"form": form, "results": results, "outcome": outcome})


def _details_from(form: PersonForm) -> actions.PersonDetails:
    d = form.cleaned_data
    return actions.PersonDetails(
        forename=d["forename"].strip(),
        surname=d["surname"].strip(),
        person_type=d["person_type"],
        date_of_birth=d["date_of_birth"],
        dob_estimated=d["dob_estimated"],
        sex=d["sex"],
        gender=d["gender"],
        ethnicity=d["ethnicity"],
        upn=d["upn"].strip(),
        nhs_number=d["nhs_number"],
    )


@require_perm(Perm.EDIT_CHILD)
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """Add a person. Likely existing records are shown first: duplicates are a safeguarding risk."""
    user = _user(request)
    form = PersonForm(request.POST or None)
    shown: list[tuple[Match, bool]] | None = None
    if request.method == "POST" and form.is_valid():
        details = _details_from(form)
        check, person = None, None
        try:
            with transaction.atomic():
                # One check-then-create at a time: the same child added twice at once is
                # one record, and the second person sees it as a likely match.
                locks.hold(locks.PERSON_CREATION)
                if request.POST.get("confirmed") != "yes":
                    check = check_duplicates(
                        user, details.forename, details.surname, details.date_of_birth, part="add a person"
                    )
                if not check:
                    person = actions.create_person(details, actor=user, aliases=form.alias_pairs())
        except ValidationError as exc:
            form.add_error(None, exc)
        if person is not None:
            messages.success(request, f"Record created for {person.full_name}.")
            return redirect("casework:child", person.pk)
        if check:
            shown = [(m, True) for m in check.visible] + [(m, False) for m in check.restricted]
    return render(request, "people/create.html", {"form": form, "matches": shown})


@require_perm(Perm.VIEW_CHILD)
def details(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_child_for_user(_user(request), pk, part="details")
    return render(
        request,
        "people/details.html",
        {
            "person": person,
            "names": person.names.all(),
            "addresses": person.addresses.all(),
            "merges": PersonMerge.objects.filter(survivor=person, unmerged_at__isnull=True).select_related(
                "merged", "merged_by"
            ),
            "tab": "details",
        },
    )


@require_perm(Perm.EDIT_CHILD)
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    person = get_child_for_user(user, pk, part="details")
    initial = {f: getattr(person, f) for f in actions.PERSON_FIELDS}
    form = PersonForm(request.POST or None, initial=initial)
    del form.fields["aliases"]
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_person(person, _details_from(form), actor=user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Details saved.")
            return redirect("people:details", person.pk)
    return render(request, "people/edit.html", {"form": form, "person": person, "tab": "details"})


@require_perm(Perm.EDIT_CHILD)
@require_http_methods(["GET", "POST"])
def add_alias(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    person = get_child_for_user(user, pk, part="details")
    form = AliasForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.add_alias(person, form.cleaned_data["forename"], form.cleaned_data["surname"], actor=user)
        messages.success(request, "Name added.")
        return redirect("people:details", person.pk)
    return render(
        request,
        "people/simple_form.html",
        {"form": form, "person": person, "title": "Add a name they are known by", "tab": "details"},
    )


@require_perm(Perm.EDIT_CHILD)
@require_http_methods(["GET", "POST"])
def add_address(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    person = get_child_for_user(user, pk, part="details")
    form = AddressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_address(person, actor=user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Address added.")
            return redirect("people:details", person.pk)
    return render(
        request,
        "people/simple_form.html",
        {"form": form, "person": person, "title": "Add an address", "tab": "details"},
    )


@require_perm(Perm.VIEW_CHILD)
def timeline(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_child_for_user(_user(request), pk, part="timeline")
    entries = person.timeline.select_related("recorded_by")
    only_significant = request.GET.get("show") == "significant"
    if only_significant:
        entries = entries.significant()
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "people/timeline.html",
        {"person": person, "page": page, "only_significant": only_significant, "tab": "timeline"},
    )


@require_perm(Perm.VIEW_CHILD)
def chronology(request: HttpRequest, pk: int) -> HttpResponse:
    """The impact chronology: significant entries, oldest first, for printing."""
    person = get_child_for_user(_user(request), pk, part="chronology")
    entries = person.timeline.significant().select_related("recorded_by").order_by("occurred_at", "id")
    return render(request, "people/chronology.html", {"person": person, "entries": entries})


@require_perm(Perm.WRITE_CASE_SUMMARY)
@require_POST
def mark_significant(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    user = _user(request)
    person = get_child_for_user(user, pk, audit=False)
    entry = get_object_or_404(TimelineEntry, pk=entry_pk, person=person)
    significant = request.POST.get("significant") == "yes"
    actions.mark_significant(entry, significant, actor=user)
    messages.success(
        request,
        "Marked as significant: it is in the chronology."
        if significant
        else "No longer marked as significant.",
    )
    return redirect(f"{reverse('people:timeline', args=[person.pk])}#entry-{entry.pk}")


@require_perm(Perm.VIEW_CHILD)
@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    person = get_object_or_404(Person, pk=pk, restricted=True)
    if may_see(user, person):
        return redirect("casework:child", person.pk)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.break_glass(person, form.cleaned_data["reason"], actor=user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.warning(
                request,
                f"You have broken glass. You can see this record for {settings.CSHUB_BREAK_GLASS_MINUTES} minutes; managers can see your reason.",
            )
            return redirect("casework:child", person.pk)
    return render(request, "people/break_glass.html", {"form": form, "person_id": person.pk})


IMPORTS_SHOWN = 20  # on the Access page: the most recent imports that changed the record


@require_perm(Perm.REVIEW_ACCESS)
@require_http_methods(["GET", "POST"])
def access(request: HttpRequest, pk: int) -> HttpResponse:
    """Who may see this record and who has: restriction, named people, the view trail."""
    user = _user(request)
    person = get_child_for_user(user, pk, part="access")
    restrict_form = RestrictForm(
        initial={"restricted": "yes" if person.restricted else "no", "reason": person.restricted_reason},
        prefix="r",
    )
    grant_form = GrantForm(prefix="g")
    may_change = may_change_access(user, person)
    if request.method == "POST" and may_change:
        if "r-restricted" in request.POST:
            restrict_form = RestrictForm(request.POST, prefix="r")
            if restrict_form.is_valid():
                try:
                    actions.set_restriction(
                        person,
                        restrict_form.cleaned_data["restricted"] == "yes",
                        restrict_form.cleaned_data["reason"],
                        actor=user,
                    )
                except ValidationError as exc:
                    restrict_form.add_error(None, exc)
                else:
                    messages.success(request, "Restriction saved.")
                    return redirect("people:access", person.pk)
        else:
            grant_form = GrantForm(request.POST, prefix="g")
            if grant_form.is_valid():
                actions.grant_access(person, grant_form.cleaned_data["user"], actor=user)
                messages.success(request, f"{grant_form.cleaned_data['user']} may now see this record.")
                return redirect("people:access", person.pk)
    imports = changes_to_child(person.pk, limit=IMPORTS_SHOWN + 1)
    # The trail of every record merged into this one too: events keep their record's id.
    trail = person.trail_ids()
    views = AuditEvent.objects.filter(child_id__in=trail).views().select_related("actor")
    page = Paginator(views, settings.CSHUB_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "people/access.html",
        {
            "person": person,
            "restrict_form": restrict_form,
            "grant_form": grant_form,
            "page": page,
            "grants": AccessGrant.objects.filter(person=person).select_related("user", "granted_by"),
            "imports": imports[:IMPORTS_SHOWN],
            "imports_more": len(imports) > IMPORTS_SHOWN,
            "may_change": may_change,
            "show_reasons": bool(break_glass_reasons_visible(user, [person.pk])),
            "trail": trail,
            "tab": "access",
        },
    )


@require_perm(Perm.RESTRICT_RECORD)
@require_POST
def revoke_grant(request: HttpRequest, pk: int, grant_pk: int) -> HttpResponse:
    user = _user(request)
    person = get_child_for_user(user, pk, audit=False)
    grant = get_object_or_404(AccessGrant, pk=grant_pk, person=person)
    try:
        actions.revoke_access(grant, actor=user)
    except PermissionDenied:
        messages.error(request, "Only people named on this record can change who may see it.")
        return redirect("people:access", person.pk)
    messages.success(request, f"{grant.user} is no longer named on this record.")
    return redirect("people:access", person.pk)


@require_perm(Perm.REVIEW_ACCESS)
def access_review(request: HttpRequest) -> HttpResponse:
    """Every break glass and refused access. The reason given for breaking glass is shown to
    the managers of the child's team and the people named on the record."""
    user = _user(request)
    events = AuditEvent.objects.filter(action__in=[Action.BREAK_GLASS, Action.ACCESS_DENIED]).select_related(
        "actor"
    )
    page = Paginator(events, settings.CSHUB_PAGE_SIZE).get_page(request.GET.get("page"))
    child_ids = {e.child_id for e in page if e.child_id}
    readable = break_glass_reasons_visible(user, child_ids)
    # Each record named as the child, to a manager who may see it; otherwise only that it is
    # a restricted record (no name, no id).
    names = {
        p.pk: p.full_name for p in without_long_text(Person.objects.visible_to(user).filter(pk__in=child_ids))
    }
    record_views(user, sorted(names), part="access review")
    return render(request, "access/access_review.html", {"page": page, "readable": readable, "names": names})
