from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "cshub.returns"
    label = "returns"
    verbose_name = "Quarterly regional return"
