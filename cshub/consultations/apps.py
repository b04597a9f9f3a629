from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "cshub.consultations"
    label = "consultations"
    verbose_name = "Consultations"
