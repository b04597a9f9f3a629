from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "cshub.sso"
    label = "sso"
    verbose_name = "Single sign-on (OpenID Connect)"

    def ready(self) -> None:
        from cshub.sso import checks  # noqa: F401  (registers the system checks)
