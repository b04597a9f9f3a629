"""Pages of this app (docs/region.md, "Alerts and the regional picture").

On a hub: `/regional/alerts/` (managers: the alerts other hubs raised about our area, to
acknowledge). On the region: `/regional/` (the regional dashboard for a quarter)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET, require_POST

from cshub.access.decorators import require_perm
from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.region import transport
from cshub.region.models import Peer
from cshub.regional import actions, picture
from cshub.regional.models import CrossBorderAlert
from cshub.reports import charts
from cshub.returns.schema import Quarter

SHOWN_DONE = 50


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@require_perm(Perm.VIEW_TEAM_CASELOAD, Perm.DECIDE_CROSS_BORDER)
@require_GET
def alerts(request: HttpRequest) -> HttpResponse:
    """Alerts other hubs raised about this hub's area, open ones first."""
    if transport.is_region():
        raise Http404("The region holds no alerts to act on")
    names = dict(Peer.objects.values_list("hub_id", "name"))
    open_alerts = list(CrossBorderAlert.objects.filter(acknowledged_at__isnull=True).order_by("-received_at"))
    done = list(
        CrossBorderAlert.objects.filter(acknowledged_at__isnull=False)
        .select_related("acknowledged_by")
        .order_by("-acknowledged_at")[:SHOWN_DONE]
    )
    return render(
        request,
        "regional/alerts.html",
        {"open_alerts": open_alerts, "done": done, "names": names, "shown_done": SHOWN_DONE},
    )


@require_perm(Perm.VIEW_TEAM_CASELOAD, Perm.DECIDE_CROSS_BORDER)
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    if transport.is_region():
        raise Http404("The region holds no alerts to act on")
    alert = get_object_or_404(CrossBorderAlert, pk=pk)
    actions.acknowledge(alert, actor=_user(request))
    messages.success(request, "Alert acknowledged.")
    return redirect("regional:alerts")


@require_perm(Perm.VIEW_REGION)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The regional picture for a quarter (on the region only)."""
    if not transport.is_region():
        raise Http404("The regional picture is on the regional CSHub")
    chosen: Quarter | None = None
    error = ""
    if "quarter" in request.GET:
        try:
            chosen = Quarter.parse(request.GET["quarter"])
        except ValueError:
            error = "Choose a quarter from the list"
    p = picture.picture(chosen)
    if chosen is not None and p.quarter != chosen:
        error = "Nothing has been received for that quarter: choose one from the list"
    heads = picture.headline(p)
    chart = charts.bars("Referrals received, by hub", heads) if heads else None
    flows = picture.flows(p.quarter)
    pending = picture.pending(p.hubs)
    return render(
        request,
        "regional/dashboard.html",
        {
            "p": p,
            "chart": chart,
            "flows": flows,
            "later_flows": picture.later_flows(p.quarter),
            "pending": pending,
            "error": error,
            "hub_names": {h.hub_id: h.name for h in p.hubs},
            "columns": [""] + [h.hub_id for h in p.senders],
        },
    )


urlpatterns: list[URLPattern] = [
    path("regional/", dashboard, name="dashboard"),
    path("regional/alerts/", alerts, name="alerts"),
    path("regional/alerts/<int:pk>/acknowledge/", acknowledge, name="acknowledge"),
]
