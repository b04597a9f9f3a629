"""The quarterly regional return's page: an analyst downloads this hub's return for an
ended quarter, as CSV or XLSX (figures only, true values; docs/regional-return.md)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from cshub.access.decorators import require_perm
from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.returns import export
from cshub.returns.forms import ReturnForm
from cshub.returns.schema import SCHEMA_VERSION


@require_perm(Perm.VIEW_AGGREGATES)
@require_GET
def regional_return(request: HttpRequest) -> HttpResponse:
    """The page, or with a quarter and a format chosen, the file (audited)."""
    assert isinstance(request.user, User)
    form = ReturnForm(request.GET) if "quarter" in request.GET else ReturnForm()
    if form.is_bound and form.is_valid():
        quarter, fmt = form.chosen()
        made = export.export(quarter, fmt, actor=request.user)
        response = HttpResponse(made.content, content_type=made.content_type)
        response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
        return response
    return render(
        request,
        "returns/regional_return.html",
        {"form": form, "hub": export.hub_id(), "schema_version": SCHEMA_VERSION},
    )


urlpatterns: list[URLPattern] = [
    path("performance/regional-return/", regional_return, name="regional_return"),
]
