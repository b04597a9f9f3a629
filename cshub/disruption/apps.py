from django.apps import AppConfig


class DisruptionConfig(AppConfig):
    name = "cshub.disruption"
    label = "disruption"
    verbose_name = "Disruption and joint operations"
