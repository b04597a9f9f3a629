from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "cshub.people"
    label = "people"
    verbose_name = "Person index"
