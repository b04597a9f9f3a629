"""The managers' import page: upload, see the validation report, confirm, see what changed."""

import csv
import zipfile
import zlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from cshub.access.decorators import require_perm
from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_views
from cshub.core.faults import DISK_FULL, RETRY_AFTER_SECONDS, disk_reason
from cshub.interchange import actions, codelists, reader, uploads
from cshub.interchange.importer import check, run_import
from cshub.interchange.models import CodeMapping, ImportRun
from cshub.interchange.reader import TooLargeError
from cshub.interchange.spec import BY_KEY, TABLES
from cshub.people.models import Person, may_view_children, visible_q

SESSION_KEY = "cshub_pending_import"


def _max_bytes() -> int:
    """What one web import may expand to (larger imports: the cshub import command)."""
    return int(settings.CSHUB_UPLOAD_MAX_MB * 4 * 2**20)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _not_stored(exc: OSError) -> str:
    """What to say when a full or read-only disk could not store the upload (a 503); any
    other error is raised again."""
    reason = disk_reason(exc)
    if reason is None:
        raise exc
    why = "the server has no space left" if reason == DISK_FULL else "the server cannot store files"
    return f"The files could not be stored: {why}. Nothing was imported. Try again later, or tell your system administrator"


@require_perm(Perm.IMPORT_DATA)
@require_http_methods(["GET", "POST"])
def imports(request: HttpRequest) -> HttpResponse:
    uploads.sweep_if_due()  # uploads nobody confirmed, at most once an hour
    error = ""
    unavailable = False
    if request.method == "POST":
        files = request.FILES.getlist("files")
        too_big = sum(f.size or 0 for f in files) > settings.CSHUB_UPLOAD_MAX_MB * 1024 * 1024
        if not files:
            error = "Select a .zip file or the CSV files to import"
        elif too_big:
            error = f"The files are larger than {settings.CSHUB_UPLOAD_MAX_MB} MB: import them with the cshub import command"
        elif not all((f.name or "").lower().endswith((".zip", ".csv", ".xml")) for f in files):
            error = "The files must be one .zip file, CSV files (.csv) or a CIN census (.xml)"
        else:
            try:
                token = uploads.save(files)  # on failure, nothing of it is kept
            except OSError as exc:
                error, unavailable = _not_stored(exc), True
            else:
                previous = request.session.get(SESSION_KEY)
                if previous:
                    uploads.delete(previous)
                names = ", ".join(Path(f.name or "").name for f in files)
                request.session[SESSION_KEY] = token
                request.session[SESSION_KEY + "_name"] = names[:250]
                return redirect("interchange:review")
    runs = Paginator(ImportRun.objects.select_related("actor"), settings.CSHUB_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    mappings = [
        (m, _file_names(m.table), _choices(m.table, m.column))
        for m in CodeMapping.objects.select_related("mapped_by")
    ]
    response = render(
        request,
        "interchange/imports.html",
        {"error": error, "page": runs, "tables": TABLES, "mappings": mappings},
        status=503 if unavailable else 400 if error else 200,
    )
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _file_names(key: str) -> str:
    """The files a table may come in: `ssd_person.csv or person.csv`."""
    table = BY_KEY.get(key)
    return " or ".join(filter(None, (table.ssd_filename, table.filename))) if table else key


def _choices(table: str, column: str) -> list[tuple[str, str]]:
    col = codelists.coded(table, column)
    return [(code, codelists.label(column, code)) for code in (col.codes if col else ())]


@require_perm(Perm.IMPORT_DATA)
def review(request: HttpRequest) -> HttpResponse:
    return _review(request)


def _review(request: HttpRequest, mapping_errors: list[str] | None = None) -> HttpResponse:
    """The check of the pending upload; `mapping_errors`: what was wrong with the codes a
    manager chose (the page is shown again, 400)."""
    token = request.session.get(SESSION_KEY, "")
    source = uploads.path(token)
    if source is None:
        messages.info(request, "Upload the files to import first.")
        return redirect("interchange:imports")
    try:
        parsed, result = check(source, _user(request), max_bytes=_max_bytes())
    except (FileNotFoundError, zipfile.BadZipFile, zlib.error, csv.Error, TooLargeError) as exc:
        uploads.delete(token)
        request.session.pop(SESSION_KEY, None)
        problem = (
            str(exc)
            if isinstance(exc, TooLargeError)
            else "the files could not be read as a .zip file or CSV files"
        )
        messages.error(request, f"Nothing was imported: {problem}. The uploaded files were deleted.")
        return redirect("interchange:imports")
    # (file, the records it gives, rows): a return such as the CIN census gives several tables
    files = [(t.filename, RECORDS.get(key, key), len(t.rows)) for key, t in parsed.tables.items()]
    return render(
        request,
        "interchange/review.html",
        {
            "result": result,
            "files": files,
            "shown": result.errors[:500],
            "mapping_errors": mapping_errors or [],
        },
        status=400 if mapping_errors else 200,
    )


@require_perm(Perm.IMPORT_DATA)
@require_POST
def map_unknown_codes(request: HttpRequest) -> HttpResponse:
    """The codes a manager chose for the values the check could not place. What each
    numbered value is comes from checking the upload again, never from the form."""
    source = uploads.path(request.session.get(SESSION_KEY, ""))
    if source is None:
        messages.info(request, "Upload the files to import first.")
        return redirect("interchange:imports")
    try:
        _, result = check(source, _user(request), max_bytes=_max_bytes())
    except (FileNotFoundError, zipfile.BadZipFile, zlib.error, csv.Error, TooLargeError):
        return redirect("interchange:review")  # which says what is wrong
    # Each select names its value (file, column, value); one no longer unplaced (mapped by
    # someone else meanwhile) is left alone rather than given another value's code.
    unplaced = {(u.filename, u.column, u.value): u for u in result.unplaced}
    entries = []
    for n in range(min(len(request.POST.getlist("map")), len(unplaced))):
        file, column, value = (
            request.POST.get(f"map-{n}-{part}", "") for part in ("file", "column", "value")
        )
        item = unplaced.get((file, column, value))
        code = request.POST.get(f"map-{n}-code", "")
        if item is not None and code:
            entries.append(codelists.MapEntry(item.table, item.column, item.value, code))
    if not entries:
        return _review(request, ["Choose a CSHub code for at least one value"])
    try:
        saved = actions.map_codes(actor=_user(request), entries=entries)
    except ValidationError as exc:
        return _review(request, exc.messages)
    messages.success(
        request,
        f"{len(saved)} code mapping{'s' if len(saved) != 1 else ''} saved. CSHub uses "
        f"{'them' if len(saved) != 1 else 'it'} for these files and every later import.",
    )
    return redirect("interchange:review")


@require_perm(Perm.IMPORT_DATA)
@require_POST
def change_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the code a kept mapping gives, or remove the mapping."""
    mapping = get_object_or_404(CodeMapping, pk=pk)
    if request.POST.get("remove"):
        actions.remove_mapping(actor=_user(request), mapping=mapping)
        messages.success(
            request, f"The mapping of '{mapping.value}' was removed: later imports report it again."
        )
        return redirect("interchange:imports")
    entry = codelists.MapEntry(mapping.table, mapping.column, mapping.value, request.POST.get("code", ""))
    try:
        actions.map_codes(actor=_user(request), entries=[entry])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("interchange:imports")
    messages.success(request, f"'{mapping.value}' in {mapping.column} is now read as {entry.code}.")
    return redirect("interchange:imports")


@require_perm(Perm.IMPORT_DATA)
@require_POST
def confirm(request: HttpRequest) -> HttpResponse:
    token = request.session.pop(SESSION_KEY, "")
    source = uploads.path(token)
    if source is None:
        messages.info(request, "Upload the files to import first.")
        return redirect("interchange:imports")
    if request.POST.get("decision") != "import":
        uploads.delete(token)
        messages.info(request, "Import cancelled. Nothing was imported and the uploaded files were deleted.")
        return redirect("interchange:imports")
    try:
        result = run_import(
            source,
            actor=_user(request),
            source=request.session.get(SESSION_KEY + "_name", ""),
            max_bytes=_max_bytes(),
        )
    finally:
        uploads.delete(token)
    if not result.ok or result.run is None:
        messages.error(
            request, "The files have errors now: nothing was imported. Upload them again to see the report."
        )
        return redirect("interchange:imports")
    messages.success(request, "Import finished.")
    return redirect("interchange:run", result.run.pk)


# What each table's records are called on the page of an import.
RECORDS = {
    "professional": "Professionals",
    "person": "People",
    "address": "Addresses",
    "referral": "Referrals",
    "episode": "Hub episodes",
    "assessment": "Assessments",
    "supervision": "Supervision sessions",
    "supervision_episode": "Other children of group supervision",
    "missing": "Missing episodes",
    "return_interview": "Return interviews",
    "population": "Reference population groups",
    "interview_entry": "Return-interview entries",
    "intelligence": "Intelligence links (police)",
    "intel_subject": "Intelligence subjects",
    "intel_alert": "Intelligence alerts",
    "cin_episode": "CIN episodes (council)",
    "involvement": "Involvements (council)",
    "cin_assessment": "CIN assessments (council)",
    "assessment_factor": "CIN assessment factors (council)",
    "cla_episode": "Looked-after episodes (council)",
    "cp_plan": "Child protection plans (council)",
    "contact": "Contacts (council)",
    "area_flag": "Flags (whole-area register)",
}


@require_perm(Perm.IMPORT_DATA)
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(ImportRun.objects.select_related("actor"), pk=pk)
    counts = run.counts or {}
    rows = [
        (
            RECORDS.get(key, key),
            *(f"{counts.get(kind, {}).get(key, 0):,}" for kind in ("created", "updated", "unchanged")),
        )
        for key in counts.get("created", {})
    ]
    warnings = [reader.on_page(w) for w in run.warnings]
    return render(
        request,
        "interchange/run.html",
        {"run": run, "rows": rows, "warnings": warnings, "lookalikes": _lookalikes(run, _user(request))},
    )


def _lookalikes(run: ImportRun, user: User) -> list[dict[str, Any]]:
    """The run's "People who may already have a record", each record named if this user
    may see it (and audited), else as a restricted record; merged or unmerged since, as
    they are now."""
    pairs = run.lookalikes or []
    ids = {p[k] for p in pairs for k in ("new", "existing")}
    # Merged records too (visible_to() leaves them out): the pair shows as merged.
    people = Person.objects.filter(pk__in=ids).filter(visible_q(user, prefix=""))
    visible = {p.pk: p for p in people} if may_view_children(user) else {}
    record_views(user, sorted(visible), part=f"import {run.pk}")
    return [
        {
            "line": f"{p['file']}, line {p['line']}",
            "new": visible.get(p["new"]),
            "new_id": p["new"],
            "existing": visible.get(p["existing"]),
            "existing_id": p["existing"],
        }
        for p in pairs
    ]
