"""Pages of issue 22, part: samples."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
