from django.apps import AppConfig


class RegionalConfig(AppConfig):
    name = "cshub.regional"
    label = "regional"
    verbose_name = "Cross-border alerts and the regional picture"

    def ready(self) -> None:
        # `handlers`: the handlers of the messages this app receives (transport.handles).
        # `schedule.on_episode_found`: a missing episode found in another hub's area raises
        # its alert when it is recorded.
        from cshub.missing import signals
        from cshub.regional import handlers, schedule  # noqa: F401

        signals.episode_found.connect(schedule.on_episode_found, dispatch_uid="regional.missing_found")
