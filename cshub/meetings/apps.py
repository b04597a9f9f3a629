from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "cshub.meetings"
    label = "meetings"
    verbose_name = "The daily risk meeting, panels and their minutes"
