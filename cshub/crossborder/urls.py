from django.urls import URLPattern, URLResolver

from cshub.crossborder import views

app_name = "crossborder"
urlpatterns: list[URLPattern | URLResolver] = [*views.urlpatterns]
