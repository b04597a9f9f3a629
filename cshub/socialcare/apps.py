from django.apps import AppConfig


class SocialcareConfig(AppConfig):
    name = "cshub.socialcare"
    label = "socialcare"
    verbose_name = "The council's record of the child"
