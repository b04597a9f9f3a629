"""The practice standards page (part A): the standards in force, their history, a change.

Read by every member of staff who sees children or figures (practitioners need to know the
standards); changed by SET_STANDARDS holders (team managers), through a confirmation step
that shows what changes and what it affects, then `actions.set_standard`."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from cshub.access.decorators import require_perm
from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.core.dates import format_date, local_today
from cshub.standards import actions, standards
from cshub.standards.forms import ChangeForm
from cshub.standards.models import PracticeStandard
from cshub.standards.wording import WORDING, days_text, rule

READERS = (Perm.VIEW_CHILD, Perm.VIEW_AGGREGATES)


@dataclass
class Row:
    """One standard on the page: in force today, since when, and any change to come."""

    code: str
    title: str
    days: int
    rule: str
    current: PracticeStandard | None
    coming: list[PracticeStandard]
    versions: list[PracticeStandard]


def _rows(today: dt.date) -> list[Row]:
    """Every standard, from one query of every version (a small table)."""
    versions: dict[str, list[PracticeStandard]] = {code: [] for code in standards.CODES}
    for v in PracticeStandard.objects.select_related("set_by").order_by(
        "code", "-effective_from", "-version"
    ):
        versions[v.code].append(v)
    rows = []
    for code in standards.CODES:
        taken = [v for v in versions[code] if v.effective_from <= today]
        current = taken[0] if taken else None
        days = current.days if current else standards.default(code)
        coming = sorted(
            (v for v in versions[code] if v.effective_from > today),
            key=lambda v: (v.effective_from, v.version),
        )
        rows.append(Row(code, WORDING[code].title, days, rule(code, days), current, coming, versions[code]))
    return rows


def _code(code: str) -> str:
    if code not in standards.CODES:
        raise Http404("No such practice standard")
    return code


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@require_perm(*READERS)
def home(request: HttpRequest) -> HttpResponse:
    today = local_today()
    return render(
        request,
        "standards/home.html",
        {"rows": _rows(today), "today": today, "can_set": _user(request).has(Perm.SET_STANDARDS)},
    )


@require_perm(*READERS)
def history(request: HttpRequest, code: str) -> HttpResponse:
    code = _code(code)
    today = local_today()
    [row] = [r for r in _rows(today) if r.code == code]
    return render(
        request,
        "standards/history.html",
        {
            "row": row,
            "today": today,
            "default_days": standards.default(code),
            "affects": WORDING[code].affects,
            "can_set": _user(request).has(Perm.SET_STANDARDS),
        },
    )


@require_perm(Perm.SET_STANDARDS)
@require_http_methods(["GET", "POST"])
def change(request: HttpRequest, code: str) -> HttpResponse:
    """The form; posted, the confirmation (what changes, what it affects); confirmed, the change."""
    code = _code(code)
    today = local_today()
    [row] = [r for r in _rows(today) if r.code == code]
    context: dict[str, Any] = {"row": row, "affects": WORDING[code].affects}
    if request.method != "POST":
        return render(request, "standards/change.html", {**context, "form": ChangeForm()})
    form = ChangeForm(request.POST)
    old = row.days
    if form.is_valid():
        data = form.cleaned_data
        errors = actions.check(code, data["days"], data["effective_from"], data["reason"])
        if not errors:
            old = standards.standard(code, data["effective_from"])
            if old == data["days"]:
                errors["days"] = (
                    f"The standard from {format_date(data['effective_from'])} is already "
                    f"{days_text(old)}: enter a different number of days or date"
                )
        for field, message in errors.items():
            form.add_error(field if field in form.fields else None, message)
    if not form.is_valid() or "edit" in request.POST:
        return render(request, "standards/change.html", {**context, "form": form})
    data = form.cleaned_data
    if request.POST.get("confirmed") != "yes":
        return render(
            request,
            "standards/confirm.html",
            {
                **context,
                "form": form,
                "old_rule": rule(code, old),
                "new_rule": rule(code, data["days"]),
                "effective_from": data["effective_from"],
                "reason": data["reason"].strip(),
                "starts": "today"
                if data["effective_from"] == today
                else ("past" if data["effective_from"] < today else "future"),
            },
        )
    try:
        version = actions.set_standard(
            code, data["days"], data["effective_from"], data["reason"], actor=_user(request)
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return render(request, "standards/change.html", {**context, "form": form})
    messages.success(
        request,
        f"{WORDING[code].title}: {days_text(version.days)} from {format_date(version.effective_from)}",
    )
    return redirect("standards:history", code=code)


urlpatterns: list[URLPattern] = [
    path("standards/", home, name="home"),
    path("standards/<str:code>/", history, name="history"),
    path("standards/<str:code>/change/", change, name="change"),
]
