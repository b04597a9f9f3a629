"""Pages of issue 22, part: dashboard."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
