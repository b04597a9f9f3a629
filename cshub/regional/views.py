"""Pages of this app (docs/region.md); a part may turn this module into a package."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
