from django.urls import URLPattern, URLResolver

from cshub.standards.views import compliance, standards

app_name = "standards"
# The compliance routes come first: "compliance" would otherwise be read as a standard code.
urlpatterns: list[URLPattern | URLResolver] = [*compliance.urlpatterns, *standards.urlpatterns]
