from django.urls import path

from cshub.intelligence import views

app_name = "intelligence"
urlpatterns = [
    path("intelligence/", views.dashboard, name="dashboard"),
    path("intelligence/subjects/new/", views.new_subject, name="new_subject"),
    path("intelligence/subjects/<int:pk>/", views.subject, name="subject"),
    path("intelligence/subjects/<int:pk>/network/", views.subject_network, name="subject_network"),
    path("intelligence/subjects/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("intelligence/subjects/<int:pk>/link/", views.new_subject_link, name="new_subject_link"),
    path("intelligence/links/<int:pk>/grade/", views.grade, name="grade"),
    path("intelligence/grading-rules/", views.grading_rules, name="grading_rules"),
    path("children/<int:pk>/intelligence/", views.child_network, name="child_network"),
    path("intelligence/subjects/<int:pk>/export/", views.subject_export, name="subject_export"),
    path("children/<int:pk>/intelligence/export/", views.child_export, name="child_export"),
    path("children/<int:pk>/intelligence/link/", views.new_child_link, name="new_child_link"),
    path(
        "intelligence/meeting-items/<int:pk>/children/<int:child_pk>/",
        views.meeting_item,
        name="meeting_item",
    ),
]
