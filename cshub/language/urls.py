from django.urls import path

from cshub.language import views

app_name = "language"
urlpatterns = [
    path("language/", views.phrases, name="phrases"),
    path("language/phrases.json", views.phrases_json, name="json"),
]
