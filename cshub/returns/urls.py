from django.urls import URLPattern, URLResolver

from cshub.returns import views

app_name = "returns"
urlpatterns: list[URLPattern | URLResolver] = [*views.urlpatterns]
