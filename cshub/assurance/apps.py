from django.apps import AppConfig


class AssuranceConfig(AppConfig):
    name = "cshub.assurance"
    label = "assurance"
    verbose_name = "Performance and assurance"
