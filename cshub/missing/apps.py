from django.apps import AppConfig


class MissingConfig(AppConfig):
    name = "cshub.missing"
    label = "missing"
    verbose_name = "Missing from home and care"
