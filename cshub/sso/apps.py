from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "cshub.sso"
    label = "sso"
    verbose_name = "Single sign-on (OpenID Connect)"
