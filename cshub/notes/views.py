"""A child's case notes: the list (by kind, a page at a time), a note with its versions, and
the forms to record, edit (its author, in the edit window) and amend (its author, after)."""

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cshub.access.decorators import require_perm
from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.core.dates import london
from cshub.notes import actions
from cshub.notes.forms import AmendForm, FilterForm, NoteForm
from cshub.notes.models import CaseNote, Change, NoteKind
from cshub.people.access import get_child_for_user
from cshub.people.models import Person


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@require_perm(Perm.VIEW_CHILD)
def child_notes(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_child_for_user(_user(request), pk, part="case notes")
    filters = FilterForm(request.GET)
    kind = filters.cleaned_data.get("kind", "") if filters.is_valid() else ""
    notes = (
        CaseNote.objects.filter(person=person)
        .select_related("author")
        .annotate(amendments=Count("versions", filter=Q(versions__change=Change.AMENDED)))
        .order_by("-occurred_at", "-id")  # Meta.ordering is not applied with an aggregate
    )
    if kind:
        notes = notes.filter(kind=kind)
    page = Paginator(notes, settings.CSHUB_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notes/list.html",
        {
            "person": person,
            "tab": "notes",
            "page": page,
            "filters": filters,
            "kind": kind,
            "kind_label": NoteKind(kind).label if kind else "",
            "query": urlencode({"kind": kind}) if kind else "",
        },
    )


@require_perm(Perm.VIEW_CHILD)
def detail(request: HttpRequest, pk: int, note_pk: int) -> HttpResponse:
    user = _user(request)
    person = get_child_for_user(user, pk, part=f"case note {note_pk}")
    note = get_object_or_404(CaseNote.objects.select_related("author"), pk=note_pk, person=person)
    versions = list(note.versions.select_related("written_by").order_by("-number"))
    return render(
        request,
        "notes/detail.html",
        {
            "person": person,
            "tab": "notes",
            "note": note,
            "current": versions[0] if versions else None,
            "earlier": versions[1:],
            "may_edit": actions.may_edit(note, user),
            "may_amend": actions.may_amend(note, user),
        },
    )


def _text(data: dict[str, Any]) -> actions.NoteText:
    return actions.NoteText(
        kind=data["kind"], occurred_at=data["occurred_at"], body=data["body"], present=data["present"]
    )


def _form_page(
    request: HttpRequest,
    person: Person,
    form: NoteForm,
    *,
    title: str,
    save: Any,
    done: str,
    note: CaseNote | None = None,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, done)
            return redirect("notes:detail", person.pk, saved.pk)
    return render(
        request,
        "notes/form.html",
        {"form": form, "person": person, "tab": "notes", "title": title, "note": note},
    )


@require_perm(Perm.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    person = get_child_for_user(user, pk, part="case notes")
    now = london(timezone.now())
    form = NoteForm(
        request.POST or None, initial={"occurred_date": now.date(), "occurred_time": f"{now:%H:%M}"}
    )
    return _form_page(
        request,
        person,
        form,
        title="Add a case note",
        save=lambda d: actions.record_note(person, _text(d), actor=user),
        done=f"Case note saved. You can edit it for {settings.CSHUB_NOTE_EDIT_MINUTES} minutes.",
    )


def _initial(note: CaseNote) -> dict[str, Any]:
    when = london(note.occurred_at)
    return {
        "kind": note.kind,
        "occurred_date": when.date(),
        "occurred_time": f"{when:%H:%M}",
        "present": note.present,
        "body": note.body,
    }


def _own_note(request: HttpRequest, pk: int, note_pk: int) -> tuple[User, Person, CaseNote]:
    """The note, for its author only: nobody edits or amends someone else's note."""
    user = _user(request)
    person = get_child_for_user(user, pk, part=f"case note {note_pk}")
    note = get_object_or_404(CaseNote, pk=note_pk, person=person)
    if note.author_id != user.pk:
        raise PermissionDenied
    return user, person, note


@require_perm(Perm.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int, note_pk: int) -> HttpResponse:
    user, person, note = _own_note(request, pk, note_pk)
    if not actions.may_edit(note, user):
        messages.info(request, "The time to edit this note has passed. You can amend it, giving a reason.")
        return redirect("notes:amend", person.pk, note.pk)
    form = NoteForm(request.POST or None, initial=_initial(note))
    return _form_page(
        request,
        person,
        form,
        title="Edit the case note",
        save=lambda d: actions.edit_note(note, _text(d), actor=user),
        done="Case note changed. The earlier text is kept with the note.",
        note=note,
    )


@require_perm(Perm.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def amend(request: HttpRequest, pk: int, note_pk: int) -> HttpResponse:
    user, person, note = _own_note(request, pk, note_pk)
    if actions.may_edit(note, user):
        return redirect("notes:edit", person.pk, note.pk)
    form = AmendForm(request.POST or None, initial=_initial(note))
    return _form_page(
        request,
        person,
        form,
        title="Amend the case note",
        save=lambda d: actions.amend_note(note, _text(d), d["reason"], actor=user),
        done="Case note amended. The earlier versions are kept and shown with it.",
        note=note,
    )
