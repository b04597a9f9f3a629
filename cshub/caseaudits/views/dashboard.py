"""Pages of issue 22, part D: the audit dashboard (figures only: no child, no worker named)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from cshub.access.decorators import require_perm
from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.assurance.dashboard import show
from cshub.assurance.forms import PeriodForm
from cshub.assurance.metrics import Metrics, Percent, Value
from cshub.assurance.metrics.audits import GRADE_KEYS
from cshub.caseaudits import figures
from cshub.caseaudits.models import Grade

SUMMARY = [
    ("audits.completed", "Case audits completed"),
    *((f"audits.grade.{key}", f"… graded {Grade(grade).label.lower()}") for grade, key in GRADE_KEYS.items()),
    ("audits.on_time", "Completed by their due date"),
]
MODERATION = [
    ("audits.moderation.agreement", "Moderation gave the same overall grade"),
    ("audits.moderation.kappa", "Agreement beyond chance (weighted kappa)"),
]
ACTIONS = [
    ("audits.actions.open", "Learning actions open at the end of the period"),
    ("audits.actions.overdue", "… past their due date"),
]


def _rows(now: Metrics, names: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(label, value, detail) of each figure, shown as the performance page shows it."""
    out = []
    for name, label in names:
        result = now.get(name)
        detail = f"{result.numerator:,} of {result.denominator:,}" if isinstance(result, Percent) else ""
        out.append((label, show(result), detail))
    return out


@require_perm(Perm.MANAGE_AUDITS, Perm.VIEW_AGGREGATES)
def audit_dashboard(request: HttpRequest) -> HttpResponse:
    """The case audit figures of a period, the grades and themes of the quarters up to it,
    moderation agreement and learning actions, from the metrics engine."""
    user = request.user
    assert isinstance(user, User)
    form = PeriodForm.from_query(request.GET)
    period, _, _ = form.periods()
    now = figures.figures(period)
    quarters, themes = figures.quarters(period.end)
    agreement = now["audits.moderation.agreement"]
    kappa = now["audits.moderation.kappa"]
    return render(
        request,
        "caseaudits/dashboard/dashboard.html",
        {
            "form": form,
            "period": period,
            "figures": now,
            "completed": figures.count(now["audits.completed"]),
            "summary": _rows(now, SUMMARY),
            "moderation": _rows(now, MODERATION),
            "pairs": agreement.denominator if isinstance(agreement, Percent) else 0,
            "kappa_reading": figures.kappa_reading(kappa if isinstance(kappa, Value) else None),
            "actions": _rows(now, ACTIONS),
            "quarters": quarters,
            "any_audits": any(q.completed for q in quarters),
            "bars": figures.bars(quarters),
            "chart_height": 30 * len(quarters),
            "grade_labels": figures.GRADE_LABELS,
            "themes": themes,
            "can_see_actions": user.has(Perm.MANAGE_AUDITS) and user.has(Perm.VIEW_CHILD),
        },
    )


urlpatterns: list[URLPattern] = [
    path("audits/dashboard/", audit_dashboard, name="dashboard"),
]
