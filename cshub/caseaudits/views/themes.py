"""The themes findings are tagged with (team managers: Perm.MANAGE_AUDITS): a list with the
number of findings of each, add, change, retire and restore. Every POST goes through
cshub.caseaudits.write.templates."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods, require_POST

from cshub.access.decorators import require_perm
from cshub.access.permissions import Perm
from cshub.caseaudits.models import Theme
from cshub.caseaudits.views.templates import _user
from cshub.caseaudits.write import templates as write
from cshub.core.forms import GovukForm


class ThemeForm(GovukForm):
    name = forms.CharField(
        label="Name", max_length=80, error_messages={"required": "Enter the name of the theme"}
    )
    description = forms.CharField(
        label="Description (optional)",
        max_length=300,
        required=False,
        help_text="What findings with this theme are about",
    )


@require_perm(Perm.MANAGE_AUDITS)
def theme_list(request: HttpRequest) -> HttpResponse:
    themes = Theme.objects.annotate(findings_count=Count("findings")).order_by("-active", "name")
    return render(request, "caseaudits/templates/themes.html", {"themes": themes, "tab": "themes"})


@require_perm(Perm.MANAGE_AUDITS)
@require_http_methods(["GET", "POST"])
def theme_create(request: HttpRequest) -> HttpResponse:
    return _theme_form(request, None)


@require_perm(Perm.MANAGE_AUDITS)
@require_http_methods(["GET", "POST"])
def theme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _theme_form(request, get_object_or_404(Theme, pk=pk))


def _theme_form(request: HttpRequest, theme: Theme | None) -> HttpResponse:
    initial = {"name": theme.name, "description": theme.description} if theme else {}
    form = ThemeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            write.save_theme(
                d["name"],
                d["description"],
                actor=_user(request),
                theme=theme,
                active=theme.active if theme else True,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, "Theme changed." if theme else "Theme added. Auditors can tag findings with it."
            )
            return redirect("caseaudits:themes")
    return render(
        request, "caseaudits/templates/theme_form.html", {"form": form, "theme": theme, "tab": "themes"}
    )


@require_perm(Perm.MANAGE_AUDITS)
@require_POST
def theme_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Retire a theme (findings already tagged keep it; it is no longer offered for new ones) or restore it."""
    theme = get_object_or_404(Theme, pk=pk)
    active = request.POST.get("active") == "yes"
    try:
        write.save_theme(theme.name, theme.description, actor=_user(request), theme=theme, active=active)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"{theme.name} restored: auditors can tag findings with it."
            if active
            else f"{theme.name} retired: findings already tagged keep it.",
        )
    return redirect("caseaudits:themes")


urlpatterns: list[URLPattern] = [
    path("audits/themes/", theme_list, name="themes"),
    path("audits/themes/new/", theme_create, name="theme_create"),
    path("audits/themes/<int:pk>/edit/", theme_edit, name="theme_edit"),
    path("audits/themes/<int:pk>/active/", theme_active, name="theme_active"),
]
