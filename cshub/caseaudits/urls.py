from cshub.caseaudits.views import conduct, dashboard, samples, templates, themes

app_name = "caseaudits"
urlpatterns = [
    *conduct.urlpatterns,
    *templates.urlpatterns,
    *themes.urlpatterns,
    *samples.urlpatterns,
    *dashboard.urlpatterns,
]
