"""The quarterly regional return's pages (part E), if any."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
