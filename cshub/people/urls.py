from django.urls import path

from cshub.people import history, merge_views, views

app_name = "people"
urlpatterns = [
    path("", views.search, name="search"),
    path("new/", views.create, name="create"),
    path("<int:pk>/details/", views.details, name="details"),
    path("<int:pk>/details/edit/", views.edit, name="edit"),
    path("<int:pk>/names/add/", views.add_alias, name="add_alias"),
    path("<int:pk>/addresses/add/", views.add_address, name="add_address"),
    path("<int:pk>/timeline/", views.timeline, name="timeline"),
    path("<int:pk>/timeline/<int:entry_pk>/significant/", views.mark_significant, name="mark_significant"),
    path("<int:pk>/chronology/", views.chronology, name="chronology"),
    path("<int:pk>/break-glass/", views.break_glass, name="break_glass"),
    path("<int:pk>/access/", views.access, name="access"),
    path("<int:pk>/access/changes/", history.change_history, name="history"),
    path("<int:pk>/access/<int:grant_pk>/revoke/", views.revoke_grant, name="revoke_grant"),
    path("<int:pk>/compare/", merge_views.compare, name="compare"),
    path("<int:pk>/compare/<int:other_pk>/", merge_views.compare_with, name="compare_with"),
    path("<int:pk>/unmerge/", merge_views.unmerge, name="unmerge"),
]
