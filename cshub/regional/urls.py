from django.urls import URLPattern, URLResolver

from cshub.regional import views

app_name = "regional"
urlpatterns: list[URLPattern | URLResolver] = [*views.urlpatterns]
