from cshub.caseaudits.views import conduct, dashboard, samples, templates

app_name = "caseaudits"
urlpatterns = [*conduct.urlpatterns, *templates.urlpatterns, *samples.urlpatterns, *dashboard.urlpatterns]
