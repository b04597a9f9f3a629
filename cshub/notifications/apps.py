from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "cshub.notifications"
    label = "notifications"
    verbose_name = "Work and notifications"
