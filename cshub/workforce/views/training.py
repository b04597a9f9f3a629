"""Courses, the training needs analysis, training records and gaps (part C)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
