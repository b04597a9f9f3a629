from django.apps import AppConfig


class RegionalConfig(AppConfig):
    name = "cshub.regional"
    label = "regional"
    verbose_name = "Cross-border alerts and the regional picture"

    def ready(self) -> None:
        # The handlers of the messages this app receives (cshub.region.transport.handles).
        from cshub.regional import handlers  # noqa: F401
