from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "cshub.assessments"
    label = "assessments"
    verbose_name = "Exploitation risk assessment (WISE)"
