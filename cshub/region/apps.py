from django.apps import AppConfig


class RegionConfig(AppConfig):
    name = "cshub.region"
    label = "region"
    verbose_name = "Region: signed messages between hubs and the region"

    def ready(self) -> None:
        # The handlers of the messages this app receives (cshub.region.transport.handles).
        from cshub.region import handlers  # noqa: F401
