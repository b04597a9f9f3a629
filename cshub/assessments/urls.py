from django.urls import path

from cshub.assessments import views

app_name = "assessments"
urlpatterns = [
    path("episodes/<int:pk>/assessments/new/", views.new, name="new"),
    path("assessments/<int:pk>/", views.detail, name="detail"),
    path("assessments/<int:pk>/review/", views.review, name="review"),
    path("assessments/scoring-rules/", views.rules, name="rules"),
]
