from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "cshub.register"
    label = "register"
    verbose_name = "Whole-area exploitation register"

    def ready(self) -> None:
        # The agenda rule AREA_REGISTER: meetings never imports this room.
        from cshub.register import agenda

        agenda.register()
