from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "cshub.reports"
    label = "reports"
    verbose_name = "Reports"
