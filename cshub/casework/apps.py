from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "cshub.casework"
    label = "casework"
    verbose_name = "Hub episodes and casework"
