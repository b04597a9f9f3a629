from django.apps import AppConfig


class CrossborderConfig(AppConfig):
    name = "cshub.crossborder"
    label = "crossborder"
    verbose_name = "Cross-border matches and information sharing"

    def ready(self) -> None:
        # The handlers of the messages this app receives (cshub.region.transport.handles).
        from cshub.crossborder import handlers  # noqa: F401
