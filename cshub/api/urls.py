from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import DefaultRouter

from cshub.api import docs, views
from cshub.api.permissions import TokenScope

router = DefaultRouter(trailing_slash=True, use_regex_path=False)
router.include_root_view = False
router.include_format_suffixes = False
router.register("children", views.ChildViewSet, basename="child")
router.register("referrals", views.ReferralViewSet, basename="referral")
router.register("episodes", views.EpisodeViewSet, basename="episode")
router.register("missing-episodes", views.MissingEpisodeViewSet, basename="missing-episode")
router.register("consultations", views.ConsultationViewSet, basename="consultation")
router.register("case-notes", views.CaseNoteViewSet, basename="case-note")

app_name = "api"
urlpatterns = [
    # Anyone signed in; a token needs `read` (a police feed's token reads nothing).
    path(
        "schema/", SpectacularAPIView.as_view(permission_classes=[IsAuthenticated, TokenScope]), name="schema"
    ),
    path("docs/", docs.ApiDocs.as_view(), name="docs"),
    path("people/search/", views.person_search, name="person-search"),
    path("", include(router.urls)),
]
