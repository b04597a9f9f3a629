"""The problem profile's pages: the profile for a period (and its commentary), and the same
as a PDF. Thin and typed: figures from `reports.profile`, writes through `actions`."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cshub.access.decorators import require_perm
from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.assurance.forms import CommentaryForm, PeriodForm
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.reports import actions, profile
from cshub.reports.models import ProfileSection
from cshub.reports.pdf import pdf_response, render_pdf


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _query(request: HttpRequest, **changes: str) -> str:
    query = request.GET.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value:
            query[key] = value
    return query.urlencode()


@require_perm(Perm.VIEW_AGGREGATES)
@require_http_methods(["GET", "POST"])
def problem_profile(request: HttpRequest) -> HttpResponse:
    """The problem profile for a period (the year to date by default), with the commentary
    of each section; `?version=published` is the version for publication."""
    user = _user(request)
    form = PeriodForm.from_query(request.GET)
    period, _, _ = form.periods()
    published = request.GET.get("version") == "published"
    can_write = user.has(Perm.WRITE_COMMENTARY) and not published
    failed: dict[str, CommentaryForm] = {}
    if request.method == "POST" and can_write:
        section = request.POST.get("section", "")
        commentary = CommentaryForm(request.POST, prefix=section)
        if commentary.is_valid():
            try:
                actions.write_profile_commentary(section, period, commentary.cleaned_data["text"], actor=user)
            except ValidationError as exc:
                commentary.add_error(None, exc)
            else:
                messages.success(request, "Commentary saved for this period.")
                return redirect(f"{request.get_full_path()}#{section}")
        failed[section] = commentary
    built = profile.build(period, user, published=published)
    forms = {
        s.key: failed.get(s.key)
        or CommentaryForm(prefix=s.key, initial={"text": s.commentary.text} if s.commentary else None)
        for s in built.sections
    }
    return render(
        request,
        "reports/problem_profile.html",
        {
            "form": form,
            "profile": built,
            "sections": [(s, forms[s.key]) for s in built.sections],
            "can_write": can_write,
            "pdf_query": _query(request),
            "published_query": _query(request, version="published"),
            "internal_query": _query(request, version=""),
            "sections_known": ProfileSection.choices,
        },
    )


@require_perm(Perm.VIEW_AGGREGATES)
@require_GET
def problem_profile_pdf(request: HttpRequest) -> HttpResponse:
    """The same profile as a PDF download (A4, OFFICIAL-SENSITIVE on every page)."""
    user = _user(request)
    period, _, _ = PeriodForm.from_query(request.GET).periods()
    published = request.GET.get("version") == "published"
    built = profile.build(period, user, published=published)
    pdf = render_pdf(
        "reports/problem_profile_document.html",
        {
            "profile": built,
            "printed_by": "" if published else (user.get_full_name() or user.username),
            "printed_at": timezone.now(),
        },
    )
    record_event(
        user,
        Action.EXPORT,
        None,
        detail={
            "report": "problem profile",
            "from": period.start.isoformat(),
            "to": period.end.isoformat(),
            "published": published,
        },
    )
    name = f"problem-profile-{period.start}-to-{period.end}{'-published' if published else ''}.pdf"
    return pdf_response(pdf, name)
