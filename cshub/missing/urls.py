from django.urls import path

from cshub.missing import views

app_name = "missing"
urlpatterns = [
    path("children/<int:pk>/missing/new/", views.record, name="record"),
    path("missing/return-interviews/", views.queue, name="queue"),
    path("missing/<int:pk>/interview/", views.interview, name="interview"),
    path("missing/panel/", views.panel, name="panel"),
    path("missing/reviews/", views.reviews, name="reviews"),
    path("missing/interviews/<int:pk>/review/", views.review, name="review"),
    path("missing/triggers/", views.triggers, name="triggers"),
    path("missing/places-and-people/", views.patterns, name="patterns"),
    path("missing/police-reports/", views.held_reports, name="held_reports"),
    path("missing/police-reports/<int:pk>/", views.held_report, name="held_report"),
]
