"""The annual report's and the scrutiny report's pages and downloads (docs/annual-report.md).
Thin and typed: the report from `reports.annual`, writes through `actions`, exports audited."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cshub.access.decorators import require_perm
from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.reports import actions, annual, docx
from cshub.reports.forms import AnnualTextForm, CoverForm, YearForm
from cshub.reports.models import AnnualPart, AnnualText, ScrutinyCover
from cshub.reports.pdf import pdf_response, render_pdf

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EDITABLE = [AnnualPart.INTRODUCTION, *annual.SECTIONS, AnnualPart.LAST_PRIORITIES, AnnualPart.PRIORITIES]


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _published(request: HttpRequest) -> bool:
    return request.GET.get("version") == "published"


def _exported(user: User, report: str, year: int, published: bool, kind: str) -> None:
    record_event(
        user,
        Action.EXPORT,
        None,
        detail={"report": report, "year": year, "published": published, "format": kind},
    )


def docx_response(body: bytes, filename: str) -> HttpResponse:
    """A Word download: not cached anywhere on the way (the internal version is OFFICIAL-SENSITIVE)."""
    response = HttpResponse(body, content_type=DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_perm(Perm.VIEW_AGGREGATES)
@require_http_methods(["GET", "POST"])
def annual_report(request: HttpRequest) -> HttpResponse:
    """The annual report for a reporting year (the last complete one by default), with the
    texts a strategic lead or manager writes; `?version=published` is the public version."""
    user = _user(request)
    form, year = YearForm.chosen(request.GET)
    published = _published(request)
    can_write = user.has(Perm.WRITE_COMMENTARY) and not published
    failed: dict[str, AnnualTextForm] = {}
    if request.method == "POST" and can_write:
        part = request.POST.get("part", "")
        text = AnnualTextForm(request.POST, prefix=part)
        if text.is_valid():
            try:
                actions.write_annual_text(year, part, text.cleaned_data["text"], actor=user)
            except ValidationError as exc:
                text.add_error(None, exc)
            else:
                messages.success(request, "Text saved for this year's report.")
                return redirect(f"{request.get_full_path()}#{part}")
        failed[part] = text
    report = annual.build(year, published=published)
    own = AnnualText.objects.latest_for(year) if can_write else {}
    forms = {
        str(part): failed.get(part)
        or AnnualTextForm(prefix=part, initial={"text": own[part].text} if part in own else None)
        for part in EDITABLE
    }
    query = f"year={year}"
    return render(
        request,
        "reports/annual_report.html",
        {
            "form": form,
            "report": report,
            "forms": forms,
            "can_write": can_write,
            "query": query,
            "page": True,
        },
    )


@require_perm(Perm.VIEW_AGGREGATES)
@require_GET
def annual_report_pdf(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _, year = YearForm.chosen(request.GET)
    published = _published(request)
    report = annual.build(year, published=published)
    pdf = render_pdf(
        "reports/annual_document.html",
        {
            "report": report,
            "forms": {},
            "printed_by": "" if published else (user.get_full_name() or user.username),
            "printed_at": timezone.now(),
        },
    )
    _exported(user, "annual report", year, published, "pdf")
    return pdf_response(
        pdf,
        f"annual-report-{annual.year_label(year).replace(' to ', '-')}{'-published' if published else ''}.pdf",
    )


@require_perm(Perm.VIEW_AGGREGATES)
@require_GET
def annual_report_docx(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _, year = YearForm.chosen(request.GET)
    published = _published(request)
    report = annual.build(year, published=published)
    body = docx.annual_docx(report, printed_by="" if published else (user.get_full_name() or user.username))
    _exported(user, "annual report", year, published, "docx")
    return docx_response(
        body,
        f"annual-report-{annual.year_label(year).replace(' to ', '-')}{'-published' if published else ''}.docx",
    )


def _cover_initial(cover: ScrutinyCover | None, year: int) -> dict[str, object]:
    if cover is None:
        return {
            "report_to": "Children and Young People Scrutiny Committee",
            "subject": f"Annual report of the Complex Safeguarding Hub, {annual.year_label(year)}",
            "wards_affected": "All",
        }
    return {
        name: getattr(cover, name)
        for name in (
            "report_to",
            "meeting_date",
            "subject",
            "report_of",
            "summary",
            "recommendations",
            "wards_affected",
            "contact",
        )
    }


@require_perm(Perm.VIEW_AGGREGATES)
@require_http_methods(["GET", "POST"])
def scrutiny_report(request: HttpRequest) -> HttpResponse:
    """The scrutiny committee's cover report for the year, with the key figures beside the
    year before and the annual report as its appendix: always the published version."""
    user = _user(request)
    form, year = YearForm.chosen(request.GET)
    can_write = user.has(Perm.WRITE_COMMENTARY)
    cover = annual.cover(year)
    cover_form = CoverForm(initial=_cover_initial(cover, year))
    if request.method == "POST" and can_write:
        cover_form = CoverForm(request.POST)
        if cover_form.is_valid():
            try:
                actions.write_scrutiny_cover(
                    year, actions.CoverDetails(**cover_form.cleaned_data), actor=user
                )
            except ValidationError as exc:
                cover_form.add_error(None, exc)
            else:
                messages.success(request, "Cover report saved.")
                return redirect(request.get_full_path())
    report = annual.build(year, published=True)
    return render(
        request,
        "reports/scrutiny_report.html",
        {
            "form": form,
            "report": report,
            "cover": cover,
            "cover_form": cover_form,
            "forms": {},
            "can_write": can_write,
            "query": f"year={year}",
            "page": True,
        },
    )


@require_perm(Perm.VIEW_AGGREGATES)
@require_GET
def scrutiny_report_pdf(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _, year = YearForm.chosen(request.GET)
    report = annual.build(year, published=True)
    pdf = render_pdf(
        "reports/scrutiny_document.html",
        {"report": report, "forms": {}, "cover": annual.cover(year), "printed_at": timezone.now()},
    )
    _exported(user, "scrutiny report", year, True, "pdf")
    return pdf_response(pdf, f"scrutiny-report-{annual.year_label(year).replace(' to ', '-')}.pdf")


@require_perm(Perm.VIEW_AGGREGATES)
@require_GET
def scrutiny_report_docx(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _, year = YearForm.chosen(request.GET)
    report = annual.build(year, published=True)
    body = docx.scrutiny_docx(report, annual.cover(year))
    _exported(user, "scrutiny report", year, True, "docx")
    return docx_response(body, f"scrutiny-report-{annual.year_label(year).replace(' to ', '-')}.docx")
