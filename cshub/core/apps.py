from django.apps import AppConfig
from django.db.models.signals import pre_save


class CoreConfig(AppConfig):
    name = "cshub.core"
    label = "core"

    def ready(self) -> None:
        from cshub.core.limits import refuse_over_long_text

        pre_save.connect(refuse_over_long_text, dispatch_uid="cshub.core.limits")
