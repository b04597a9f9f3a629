from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import include, path

from cshub.core.health import healthz
from cshub.notifications.views import home
from cshub.people.views import access_review


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "accessibility.html")


urlpatterns = [
    path("", home, name="home"),
    path("", include("cshub.access.urls")),
    path("sign-in/sso/", include("cshub.sso.urls")),
    path("children/", include("cshub.people.urls")),
    path("", include("cshub.referrals.urls")),
    path("", include("cshub.consultations.urls")),
    path("", include("cshub.casework.urls")),
    path("", include("cshub.missing.urls")),
    path("", include("cshub.register.flag_urls")),
    path("", include("cshub.tasks.urls")),
    path("", include("cshub.assessments.urls")),
    path("", include("cshub.supervision.urls")),
    path("", include("cshub.plans.urls")),
    path("", include("cshub.contact.urls")),
    path("", include("cshub.notes.urls")),
    path("", include("cshub.retention.urls")),
    path("", include("cshub.subjectaccess.urls")),
    path("", include("cshub.language.urls")),
    path("", include("cshub.meetings.urls")),
    path("", include("cshub.register.urls")),
    path("", include("cshub.caseaudits.urls")),
    path("", include("cshub.standards.urls")),
    path("", include("cshub.workforce.urls")),
    path("", include("cshub.returns.urls")),
    path("", include("cshub.region.urls")),
    path("", include("cshub.crossborder.urls")),
    path("", include("cshub.regional.urls")),
    path("", include("cshub.intelligence.urls")),
    path("", include("cshub.disruption.urls")),
    path("", include("cshub.documents.urls")),
    path("", include("cshub.philomena.urls")),
    path("", include("cshub.notifications.urls")),
    path("", include("cshub.assurance.urls")),
    path("", include("cshub.reports.urls")),
    path("", include("cshub.interchange.urls")),
    path("api/v1/", include("cshub.api.urls")),
    path("access-review/", access_review, name="access_review"),
    path("accessibility/", accessibility, name="accessibility"),
    path("healthz/", healthz, name="healthz"),
]

handler403 = "cshub.core.errors.forbidden"
handler404 = "cshub.core.errors.not_found"
handler500 = "cshub.core.errors.server_error"
