from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    name = "cshub.interchange"
    label = "interchange"
    verbose_name = "Bulk import and export"
