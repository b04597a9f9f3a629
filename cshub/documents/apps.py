from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "cshub.documents"
    label = "documents"
    verbose_name = "Documents"
