from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "cshub.register"
    label = "register"
    verbose_name = "Whole-area exploitation register"

    def ready(self) -> None:
        from cshub.casework import signals
        from cshub.register import agenda, receivers

        signals.episode_changed.connect(receivers.episode_changed, dispatch_uid="register-episode-changed")
        # The agenda rule AREA_REGISTER: meetings never imports this room.
        agenda.register()
