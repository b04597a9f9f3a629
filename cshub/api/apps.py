from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "cshub.api"
    label = "api"
    verbose_name = "REST API"
