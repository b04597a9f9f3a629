from django.apps import AppConfig


class SubjectAccessConfig(AppConfig):
    name = "cshub.subjectaccess"
    label = "subjectaccess"
    verbose_name = "Subject access"
