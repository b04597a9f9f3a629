"""The pages of merging: compare two records side by side and merge them, and unmerge
(docs/merging.md). The work is done by people.merge; these pages only show and ask."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from cshub.access.decorators import require_perm
from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_event, record_views
from cshub.audit.models import Action
from cshub.core.dates import format_date
from cshub.people import merge
from cshub.people.access import get_child_for_user
from cshub.people.forms import MergeForm, SearchForm, UnmergeForm
from cshub.people.models import Person
from cshub.people.search import search_for


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@require_perm(Perm.MERGE_PEOPLE)
@require_http_methods(["GET", "POST"])
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    """Find the other record to compare this one with (a search, by POST: no name in a URL)."""
    user = _user(request)
    person = get_child_for_user(user, pk, part="compare")
    form = SearchForm(request.POST or None)
    results = None
    if request.method == "POST" and form.is_valid():
        outcome = search_for(
            Person.objects.visible_to(user).exclude(pk=person.pk),
            form.cleaned_data["name"],
            date_of_birth=form.cleaned_data["date_of_birth"],
            age=form.cleaned_data["age"],
            limit=settings.CSHUB_PAGE_SIZE,
        )
        results = outcome.matches
        with transaction.atomic():
            record_event(user, Action.SEARCH, detail={"results": len(results), "part": "compare"})
            record_views(user, [m.person.pk for m in results], part="compare search results")
    return render(
        request,
        "people/compare_search.html",
        {"person": person, "form": form, "results": results, "tab": "details"},
    )


@dataclass
class Row:
    label: str
    left: list[str]
    right: list[str]

    @property
    def differs(self) -> bool:
        return self.left != self.right


def _date(value: Any) -> str:
    return format_date(value) if value else ""


def _rows(a: Person, b: Person) -> list[Row]:
    def each(person: Person) -> dict[str, list[str]]:
        born = _date(person.date_of_birth) + (" (estimated)" if person.dob_estimated else "")
        return {
            "Name": [person.full_name],
            "Also known as": [str(n) for n in person.names.all() if n.kind == "ALIAS"],
            "Date of birth": [born] if person.date_of_birth else [],
            "Child or adult": [person.get_person_type_display()],
            "Sex": [person.get_sex_display()] if person.sex else [],
            "Gender": [person.get_gender_display()] if person.gender else [],
            "Ethnicity": [person.get_ethnicity_display()] if person.ethnicity else [],
            "Unique pupil number": [person.upn] if person.upn else [],
            "NHS number": [person.nhs_number] if person.nhs_number else [],
            "ID in the council's system": [person.source_id] if person.source_id else [],
            "Restricted": ["Yes"] if person.restricted else ["No"],
            "Addresses": [
                ", ".join(filter(None, [x.line, x.postcode])) + f" (from {_date(x.start_date)})"
                for x in person.addresses.all()
            ],
            "Hub episodes": [
                f"From {_date(e.open_date)}" + (f" to {_date(e.close_date)}" if e.close_date else " (open)")
                for e in _related(person, "episodes").order_by("-open_date")
            ],
            "Referrals": [
                f"Received {_date(r.received_date)}"
                for r in _related(person, "referrals").order_by("-received_date")
            ],
            "Missing episodes": [
                f"Reported {_date(m.reported_at)}"
                for m in _related(person, "missing_episodes").order_by("-reported_at")
            ],
            "Open actions": [
                f"{t.description[:80]} (due {_date(t.due_date)})"
                for t in _related(person, "tasks").filter(status="OPEN").order_by("due_date")
            ],
        }

    left, right = each(a), each(b)
    return [Row(label, left[label], right[label]) for label in left]


def _related(person: Person, name: str) -> Any:
    """A reverse relation's rows (the rooms to the right of people own those models)."""
    return getattr(person, name).all()


def _record_counts(a: Person, b: Person) -> list[tuple[str, int, int]]:
    counts = []
    for relation in merge.relations():
        manager = relation.model._default_manager
        left = manager.filter(**{relation.field: a}).count()
        right = manager.filter(**{relation.field: b}).count()
        if left or right:
            counts.append((relation.name, left, right))
    return sorted(counts)


@require_perm(Perm.MERGE_PEOPLE)
@require_http_methods(["GET", "POST"])
def compare_with(request: HttpRequest, pk: int, other_pk: int) -> HttpResponse:
    """Two records side by side, differences marked; choose the one to keep and merge."""
    user = _user(request)
    person = get_child_for_user(user, pk, part="compare")
    other = get_child_for_user(user, other_pk, part="compare")
    form = MergeForm(request.POST or None)
    survivor_field = form.fields["survivor"]
    assert isinstance(survivor_field, forms.TypedChoiceField)
    survivor_field.choices = [(p.pk, f"{p.full_name}, CSHub ID {p.pk}") for p in (person, other)]
    refusals = merge.refusals(person, other, user)
    if request.method == "POST" and form.is_valid():
        survivor, merged = (person, other) if form.cleaned_data["survivor"] == person.pk else (other, person)
        try:
            merge.merge_people(survivor, merged, actor=user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"Records merged. CSHub ID {merged.pk} now leads to this record; its audit trail "
                "is kept and shown on the Access page.",
            )
            return redirect("casework:child", survivor.pk)
    return render(
        request,
        "people/compare.html",
        {
            "person": person,
            "other": other,
            "rows": _rows(person, other),
            "counts": _record_counts(person, other),
            "refusals": refusals,
            "form": form,
            "tab": "details",
        },
    )


@require_perm(Perm.MERGE_PEOPLE)
@require_http_methods(["GET", "POST"])
def unmerge(request: HttpRequest, pk: int) -> HttpResponse:
    """Separate a merged record from its survivor: what goes back, and what stays (added
    to the survivor since the merge), listed before confirming."""
    user = _user(request)
    # While merged, who may see the child is the survivor's rule (it holds both records'
    # restriction and named people), so the merged record is read through it.
    merged = get_object_or_404(Person, pk=pk)
    record = merge.open_merge(merged)
    if record is None:
        raise Http404("Not merged")
    survivor = get_child_for_user(user, record.survivor_id, part="unmerge", forward=False)
    form = UnmergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            merge.unmerge(merged, actor=user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, "Records separated. The records that came from this one are back on it."
            )
            return redirect("casework:child", merged.pk)
    going_back: dict[str, int] = {}
    names = {r.label: r.name for r in merge.relations()}
    for row in record.rows.all():
        name = names.get(row.model, row.model)
        going_back[name] = going_back.get(name, 0) + 1
    return render(
        request,
        "people/unmerge.html",
        {
            "person": survivor,
            "merged": merged,
            "record": record,
            "going_back": sorted(going_back.items()),
            "staying": merge.added_since(record),
            "form": form,
            "tab": "details",
        },
    )
