"""The register's flag pages (recording and ending a flag, flags to match, the flag file
upload). The register's own pages (the register, a child's flags, triage) are in `urls`."""

from django.urls import path

from cshub.register import flag_views as views

app_name = "register_flags"
urlpatterns = [
    path("children/<int:pk>/flags/new/", views.record, name="record"),
    path("register/flags/<int:pk>/end/", views.end, name="end"),
    path("register/flags-to-match/", views.held_flags, name="held_flags"),
    path("register/flags-to-match/<int:pk>/", views.held_flag, name="held_flag"),
    path("imports/area-flags/", views.upload, name="upload"),
]
