"""The register's flag pages: a flag recorded on a child (from the child's page), ended,
the flags waiting to be matched to a child, and the flag file upload (docs/register.md)."""

import tempfile
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from cshub.access.decorators import require_perm
from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.people.access import get_child_for_user
from cshub.people.duplicates import check_duplicates
from cshub.register import actions
from cshub.register.flag_forms import EndFlagForm, FlagForm
from cshub.register.models import DERIVED_SOURCES, AreaFlag, Concern, HeldFlag, Source

UPLOAD_MAX_BYTES = 20 * 2**20  # a flag file is one row per flag: larger files, the command


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@require_perm(Perm.MANAGE_REGISTER)
@require_http_methods(["GET", "POST"])
def record(request: HttpRequest, pk: int) -> HttpResponse:
    """Flag a child at risk of exploitation: a source outside the hub and social care."""
    user = _user(request)
    person = get_child_for_user(user, pk, part="flag")
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.record_flag(
                person,
                source=d["source"],
                concern=d["concern"],
                flagged_on=d["flagged_on"],
                holder=d["holder"],
                holder_team=d["holder_team"],
                holder_contact=d["holder_contact"],
                note=d["note"],
                actor=user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, "Flag recorded. It is on the child's timeline and the whole-area register."
            )
            return redirect("casework:child", person.pk)
    flags = (
        AreaFlag.objects.filter(person=person, ended_on__isnull=True)
        .exclude(source__in=DERIVED_SOURCES)
        .order_by("-flagged_on", "-id")
    )
    return render(
        request,
        "register/flag_record.html",
        {"form": form, "person": person, "flags": flags, "tab": "overview"},
    )


@require_perm(Perm.MANAGE_REGISTER)
@require_http_methods(["GET", "POST"])
def end(request: HttpRequest, pk: int) -> HttpResponse:
    """A flag no longer in force, with the reason."""
    user = _user(request)
    flag = get_object_or_404(
        AreaFlag.objects.exclude(source__in=DERIVED_SOURCES), pk=pk, ended_on__isnull=True
    )
    person = get_child_for_user(user, flag.person_id, part=f"flag {pk}")
    form = EndFlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.end_flag(
                flag, ended_on=form.cleaned_data["ended_on"], reason=form.cleaned_data["reason"], actor=user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "The flag is no longer in force.")
            return redirect("casework:child", person.pk)
    return render(
        request, "register/flag_end.html", {"form": form, "person": person, "flag": flag, "tab": "overview"}
    )


@require_perm(Perm.MANAGE_REGISTER)
def held_flags(request: HttpRequest) -> HttpResponse:
    """Flags naming a child CSHub could not match for certain."""
    rows = [
        (h, _label(Concern, h.flag.get("concern")), _label(Source, h.flag.get("source")))
        for h in HeldFlag.objects.waiting()
    ]
    return render(request, "register/held_flags.html", {"rows": rows})


def _label(choices: type[Concern] | type[Source], value: object) -> str:
    return str(dict(choices.choices).get(str(value or ""), value or ""))


@require_perm(Perm.MANAGE_REGISTER)
@require_http_methods(["GET", "POST"])
def held_flag(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    held = get_object_or_404(HeldFlag.objects.waiting(), pk=pk)
    with transaction.atomic():
        check = check_duplicates(
            user, held.forename, held.surname, held.date_of_birth, part=f"held flag {pk}"
        )
    matches = check.visible
    error = ""
    if request.method == "POST":
        choice = request.POST.get("child", "")
        person = None
        if choice != "new":
            chosen = [m.person for m in matches if str(m.person.pk) == choice]
            if not chosen:
                error = "Select the child this flag is about, or that they are new to CSHub"
            else:
                person = chosen[0]
        if not error:
            try:
                flag = actions.resolve_held_flag(held, person, actor=user)
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(request, "Flag matched: it is on the child's record.")
                return redirect("casework:child", flag.person_id)
    details = actions.flag_from_json(held.flag)
    return render(
        request,
        "register/held_flag.html",
        {
            "held": held,
            "details": details,
            "concern": _label(Concern, details.concern),
            "source": _label(Source, details.source),
            "matches": matches,
            "hidden": len(check.restricted),
            "error": error,
        },
    )


@require_perm(Perm.IMPORT_DATA)
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """Upload a flag file: checked whole, then imported; the page says what became of it."""
    from cshub.interchange.areaflags import import_flags

    error, result = "", None
    if request.method == "POST":
        upload_ = request.FILES.get("file")
        if upload_ is None:
            error = "Select a flag file (csh_area_flag.csv) to import"
        elif not (upload_.name or "").lower().endswith(".csv"):
            error = "The flag file must be a CSV file (.csv)"
        elif (upload_.size or 0) > UPLOAD_MAX_BYTES:
            error = "The file is larger than 20 MB: import it with the cshub register import command"
        else:
            name = Path(upload_.name or "csh_area_flag.csv").name
            with tempfile.TemporaryDirectory() as folder:  # deleted whatever happens
                path = Path(folder) / "flags.csv"
                with path.open("wb") as handle:
                    for chunk in upload_.chunks():
                        handle.write(chunk)
                result = import_flags(path, actor=_user(request), name=name)
    status = 400 if error or (result is not None and not result.ok) else 200
    return render(
        request,
        "register/flag_upload.html",
        {"error": error, "result": result, "shown": result.errors[:500] if result else []},
        status=status,
    )
