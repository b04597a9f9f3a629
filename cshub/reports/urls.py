from django.urls import path

from cshub.reports import annual_views, views

app_name = "reports"
urlpatterns = [
    path("reports/problem-profile/", views.problem_profile, name="problem_profile"),
    path("reports/problem-profile/pdf/", views.problem_profile_pdf, name="problem_profile_pdf"),
    path("reports/annual/", annual_views.annual_report, name="annual_report"),
    path("reports/annual/pdf/", annual_views.annual_report_pdf, name="annual_report_pdf"),
    path("reports/annual/docx/", annual_views.annual_report_docx, name="annual_report_docx"),
    path("reports/annual/scrutiny/", annual_views.scrutiny_report, name="scrutiny_report"),
    path("reports/annual/scrutiny/pdf/", annual_views.scrutiny_report_pdf, name="scrutiny_report_pdf"),
    path("reports/annual/scrutiny/docx/", annual_views.scrutiny_report_docx, name="scrutiny_report_docx"),
]
