from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "cshub.retention"
    label = "retention"
    verbose_name = "Retention and disposal"
