from django.urls import path

from cshub.reports import views

app_name = "reports"
urlpatterns = [
    path("reports/problem-profile/", views.problem_profile, name="problem_profile"),
    path("reports/problem-profile/pdf/", views.problem_profile_pdf, name="problem_profile_pdf"),
]
