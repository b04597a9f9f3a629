from django.urls import URLPattern, URLResolver

from cshub.region import views

app_name = "region"
urlpatterns: list[URLPattern | URLResolver] = [*views.urlpatterns]
