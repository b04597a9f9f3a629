from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "cshub.notifications"
    label = "notifications"
    verbose_name = "Work and notifications"

    def ready(self) -> None:
        # Listens to missing, casework and tasks: none of them imports this room.
        from cshub.notifications import receivers

        receivers.connect()
