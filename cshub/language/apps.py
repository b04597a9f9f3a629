from django.apps import AppConfig


class LanguageConfig(AppConfig):
    name = "cshub.language"
    label = "language"
    verbose_name = "Language guidance for recording about exploitation"
