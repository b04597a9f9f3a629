from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "cshub.linkage"
    label = "linkage"
    verbose_name = "Privacy-preserving linkage across hubs"

    def ready(self) -> None:
        # The handlers of the messages this app receives (cshub.region.transport.handles).
        from cshub.linkage import handlers  # noqa: F401
