"""The practice standards page (part A): the standards in force, their history, a change."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
