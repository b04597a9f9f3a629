"""The compliance dashboard (part B): per team and worker, the share of children within each standard."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
