from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "cshub.notes"
    label = "notes"
    verbose_name = "Case notes"
