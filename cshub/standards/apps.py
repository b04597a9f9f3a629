from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "cshub.standards"
    label = "standards"
    verbose_name = "Practice standards and compliance"
