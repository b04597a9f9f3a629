from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cshub.access.decorators import require_perm
from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.assurance import actions, cached, dashboard
from cshub.assurance.forms import CommentaryForm, PeriodForm
from cshub.assurance.metrics.drilldown import DRILLS, children, unnamed
from cshub.assurance.models import Commentary, Section
from cshub.audit.events import record_views
from cshub.missing.queries import overdue_today
from cshub.people.models import Person, visible_q


@require_perm(Perm.VIEW_AGGREGATES)
@require_http_methods(["GET", "POST"])
def performance(request: HttpRequest) -> HttpResponse:
    """Every figure of the performance framework for a period, beside the previous one,
    with the commentary that must go with them. Counts only: no child is named."""
    assert isinstance(request.user, User)
    form = PeriodForm.from_query(request.GET)
    period, previous, compared_with = form.periods()
    failed: dict[str, CommentaryForm] = {}
    if request.method == "POST" and request.user.has(Perm.WRITE_COMMENTARY):
        section = request.POST.get("section", "")
        commentary = CommentaryForm(request.POST, prefix=section)
        if commentary.is_valid():
            try:
                actions.write_commentary(section, period, commentary.cleaned_data["text"], actor=request.user)
            except ValidationError as exc:
                commentary.add_error(None, exc)
            else:
                messages.success(request, "Commentary saved for this period.")
                return redirect(f"{request.get_full_path()}#{section}")
        failed[section] = commentary
    now, before = cached.figures([period, previous])  # a lookup when kept at this data version
    latest = Commentary.objects.latest_for(period.start, period.end)
    waiting, overdue = overdue_today()
    sections = [
        {
            "key": key,
            "title": title,
            "question": dashboard.QUESTIONS[key],
            "rows": dashboard.rows(key, now, before),
            "charts": dashboard.charts(key, now),
            "commentary": latest.get(key),
            "form": failed.get(key)
            or CommentaryForm(prefix=key, initial={"text": latest[key].text} if key in latest else None),
        }
        for key, title in Section.choices
    ]
    return render(
        request,
        "assurance/performance.html",
        {
            "form": form,
            "period": period,
            "previous": previous,
            "compared_with": compared_with,
            "sections": sections,
            "can_write": request.user.has(Perm.WRITE_COMMENTARY),
            "disproportionality": dashboard.disproportionality(now),
            "queue_waiting": waiting,
            "queue_overdue": overdue,
            "drills": set(DRILLS) if request.user.has(Perm.VIEW_CHILD) else set(),
            "period_query": request.GET.urlencode(),
        },
    )


@require_perm(Perm.VIEW_AGGREGATES)
def drilldown(request: HttpRequest, name: str) -> HttpResponse:
    """The children behind a figure, for users who may see children's records: only those
    they may see are named; the others are counted."""
    user = request.user
    assert isinstance(user, User)
    if name not in DRILLS:
        raise Http404
    if not user.has(Perm.VIEW_CHILD):
        return render(request, "errors/403.html", status=403)
    form = PeriodForm.from_query(request.GET)
    period, _, _ = form.periods()
    ids, records = children(name, period)
    people = Person.objects.filter(pk__in=ids)
    visible = people.filter(visible_q(user, prefix="")).order_by("surname", "forename", "pk")
    page = Paginator(visible, 50).get_page(request.GET.get("page"))
    record_views(user, [p.pk for p in page], part=f"figure {name}")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "assurance/drilldown.html",
        {
            "title": DRILLS[name].title,
            "name": name,
            "period": period,
            "page": page,
            "records": records,
            "total": people.count(),
            "hidden": people.count() - visible.count(),
            "unnamed": unnamed(name, period),
            "query": query.urlencode(),
        },
    )
