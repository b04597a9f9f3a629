from django.apps import AppConfig


class PhilomenaConfig(AppConfig):
    name = "cshub.philomena"
    verbose_name = "Missing-from-care profile (Philomena Protocol)"
