"""Teams and their members (part C)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
