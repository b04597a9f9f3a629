"""Pages of issue 22, part: conduct."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
