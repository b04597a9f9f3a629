from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "cshub.workforce"
    label = "workforce"
    verbose_name = "Teams and training"
