from django.urls import path

from cshub.assurance import views

app_name = "assurance"
urlpatterns = [
    path("performance/", views.performance, name="performance"),
    path("performance/figures/<str:name>/", views.drilldown, name="drilldown"),
]
