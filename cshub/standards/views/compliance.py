"""The compliance dashboard (part B): per team and worker, the share of children within each
standard, the trend by month, and for team managers the children behind each figure
(docs/compliance.md). Every figure comes from `assurance.metrics.compliance`."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path

from cshub.access.decorators import require_perm
from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.assurance.metrics import Percent, compliance
from cshub.audit.events import record_views
from cshub.casework.models import Episode
from cshub.core.dates import format_date, local_today
from cshub.reports import charts
from cshub.standards.standards import in_force
from cshub.workforce.models import Team

MONTHS = 12


@dataclass(frozen=True)
class Month:
    value: str  # YYYY-MM (no personal data in the query string)
    day: dt.date  # the day measured: the month's last day, today for the current month
    label: str


def months(today: dt.date) -> list[Month]:
    """The current month (to today) and the last 12 month-ends, newest first."""
    found = [Month(f"{today:%Y-%m}", today, f"{today:%B %Y} (to {format_date(today)})")]
    end = today.replace(day=1) - dt.timedelta(days=1)
    for _ in range(MONTHS):
        found.append(Month(f"{end:%Y-%m}", end, f"{end:%B %Y}"))
        end = end.replace(day=1) - dt.timedelta(days=1)
    return found


def _month(request: HttpRequest) -> tuple[list[Month], Month]:
    options = months(local_today())
    chosen = request.GET.get("month", "")
    return options, next((m for m in options if m.value == chosen), options[0])


def trend_days(chosen: Month) -> list[Month]:
    """The 12 months up to the chosen one, oldest first (months before the picker's reach are
    month-ends too)."""
    days = [chosen]
    end = chosen.day.replace(day=1) - dt.timedelta(days=1)
    while len(days) < MONTHS:
        days.append(Month(f"{end:%Y-%m}", end, f"{end:%B %Y}"))
        end = end.replace(day=1) - dt.timedelta(days=1)
    return days[::-1]


def _cells(figures: dict[str, Percent]) -> list[dict[str, Any]]:
    return [{"standard": s, "figure": figures[s.key]} for s in compliance.STANDARDS]


def _share(p: Percent) -> int | None:
    return None if p.percent is None else round(p.percent)


@dataclass(frozen=True)
class Trend:
    """A team's chart and its table: per standard, (month, cell) for each month; a month
    with no children open to the team shows "No children" (the chart has no point there;
    "c" is for suppressed figures, which these are not)."""

    chart: charts.Chart
    rows: list[tuple[str, list[tuple[str, str]]]]


def _trend(label: str, points: list[tuple[Month, compliance.Group | None]]) -> Trend:
    series = [
        (s.title, [_share(g.figures[s.key]) if g else None for _, g in points]) for s in compliance.STANDARDS
    ]
    columns = [f"{m.day:%b %y}" for m, _ in points]
    chart = charts.lines(f"{label}: % of children within each standard, by month", columns, series)
    rows = [
        (name, [(c, "No children" if v is None else f"{v}%") for c, v in zip(columns, values, strict=True)])
        for name, values in series
    ]
    return Trend(chart, rows)


@require_perm(Perm.VIEW_AGGREGATES)
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    options, chosen = _month(request)
    teams = compliance.by_team(chosen.day)
    empty = {s.key: Percent(0, 0) for s in compliance.STANDARDS}
    known = {g.pk for g in teams}
    teams += [
        compliance.Group(t.pk, t.name, empty) for t in Team.objects.filter(active=True) if t.pk not in known
    ]
    teams.sort(key=lambda g: (g.pk is None, g.label))
    trend_months = trend_days(chosen)
    trend = {m.value: {g.pk: g for g in compliance.by_team(m.day)} for m in trend_months}
    show_workers = user.has(Perm.VIEW_TEAM_CASELOAD)
    workers = compliance.by_worker(chosen.day) if show_workers else []
    rows = [
        {
            "group": g,
            "key": g.pk or 0,
            "cells": _cells(g.figures),
            "chart": _trend(g.label, [(m, trend[m.value].get(g.pk)) for m in trend_months]),
            "workers": [
                {"group": w, "key": w.pk or 0, "cells": _cells(w.figures)} for w in workers if w.team == g.pk
            ],
        }
        for g in teams
    ]
    return render(
        request,
        "standards/compliance.html",
        {
            "months": options,
            "month": chosen,
            "hub": _cells(compliance.hub(chosen.day)),
            "teams": rows,
            "standards": compliance.STANDARDS,
            "show_workers": show_workers,
        },
    )


def _children(request: HttpRequest, slug: str, title: str, episodes: Any, back: str) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    standard = compliance.BY_SLUG.get(slug)
    if standard is None:
        raise Http404("No such standard")
    _, chosen = _month(request)
    rows = list(
        compliance.annotate_within(episodes.visible_to(user), chosen.day)
        .select_related("person")
        .order_by("person__surname", "person__forename", "pk")
    )
    days = in_force(chosen.day)
    listed = [
        {"episode": r, "person": r.person, "last_due": compliance.last_and_due(r, standard.key, days)}
        for r in rows
    ]
    with transaction.atomic():
        record_views(user, [r.person_id for r in rows], part=f"compliance {standard.slug}")
    return render(
        request,
        "standards/compliance_children.html",
        {
            "standard": standard,
            "title": title,
            "month": chosen,
            "back": back,
            "outside": [r for r in listed if not getattr(r["episode"], f"within_{standard.key}")],
            "inside": [r for r in listed if getattr(r["episode"], f"within_{standard.key}")],
        },
    )


@require_perm(Perm.VIEW_TEAM_CASELOAD)
def team_children(request: HttpRequest, standard: str, pk: int) -> HttpResponse:
    """The children of a team's figure ("No team" is 0): those not within first."""
    episodes = Episode.objects.all()
    if pk:
        team = get_object_or_404(Team, pk=pk)
        episodes, title = episodes.filter(allocated_worker__membership__team=team), team.name
    else:
        episodes, title = episodes.filter(allocated_worker__membership__isnull=True), compliance.NO_TEAM
    return _children(request, standard, title, episodes, "team")


@require_perm(Perm.VIEW_TEAM_CASELOAD)
def worker_children(request: HttpRequest, standard: str, pk: int) -> HttpResponse:
    """The children of a worker's figure ("Not allocated" is 0)."""
    episodes = Episode.objects.all()
    if pk:
        worker = get_object_or_404(User, pk=pk)
        name = worker.get_full_name() or worker.get_username()
        episodes, title = episodes.filter(allocated_worker=worker), name
    else:
        episodes, title = episodes.filter(allocated_worker__isnull=True), compliance.NOT_ALLOCATED
    return _children(request, standard, title, episodes, "worker")


urlpatterns: list[URLPattern] = [
    path("standards/compliance/", dashboard, name="compliance"),
    path("standards/compliance/<slug:standard>/team/<int:pk>/", team_children, name="compliance_team"),
    path("standards/compliance/<slug:standard>/worker/<int:pk>/", worker_children, name="compliance_worker"),
]
