from django.urls import path

from cshub.retention import views

app_name = "retention"
urlpatterns = [
    path("retention/", views.overview, name="overview"),
    path("retention/rules/<int:rule_pk>/", views.edit_rule, name="edit_rule"),
    path("retention/records/<int:pk>/hold/", views.hold, name="hold"),
    path("retention/holds/<int:hold_pk>/lift/", views.lift, name="lift"),
    path("retention/records/<int:pk>/dispose/", views.dispose, name="dispose"),
]
