"""Pages of issue 22, part: templates."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
