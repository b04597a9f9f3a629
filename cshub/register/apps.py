from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "cshub.register"
    label = "register"
    verbose_name = "Whole-area exploitation register"
