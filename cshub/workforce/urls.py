from django.urls import URLPattern, URLResolver

from cshub.workforce.views import people, teams, training

app_name = "workforce"
urlpatterns: list[URLPattern | URLResolver] = [*teams.urlpatterns, *training.urlpatterns, *people.urlpatterns]
