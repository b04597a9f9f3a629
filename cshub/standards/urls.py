from django.urls import URLPattern, URLResolver

from cshub.standards.views import compliance, standards

app_name = "standards"
urlpatterns: list[URLPattern | URLResolver] = [*standards.urlpatterns, *compliance.urlpatterns]
