from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "cshub.access"
    label = "access"
    verbose_name = "Users, roles and access"
