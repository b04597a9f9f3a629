from django.apps import AppConfig


class ContactConfig(AppConfig):
    name = "cshub.contact"
    label = "contact"
    verbose_name = (
        "Work with the child: voice, visits, direct work, the team around the child, NRM, transitions"
    )
