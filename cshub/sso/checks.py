"""Django system checks: single sign-on switched on without what it needs fails at start."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from cshub.sso.config import DISCOVERED, PASSWORD_FOR_SYSADMINS_ONLY


@register()
def oidc_settings(app_configs: Any, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    if settings.CSHUB_PASSWORD_SIGN_IN not in ("all", PASSWORD_FOR_SYSADMINS_ONLY):
        errors.append(Error("CSHUB_PASSWORD_SIGN_IN must be all or sysadmins", id="sso.E003"))
    if not settings.CSHUB_OIDC:
        return errors
    if not (settings.OIDC_RP_CLIENT_ID and settings.OIDC_RP_CLIENT_SECRET):
        errors.append(
            Error("CSHUB_OIDC=1 needs CSHUB_OIDC_CLIENT_ID and CSHUB_OIDC_CLIENT_SECRET", id="sso.E001")
        )
    missing = [name for name in DISCOVERED if not getattr(settings, name)]
    if missing and not settings.CSHUB_OIDC_ISSUER:
        errors.append(
            Error(
                "CSHUB_OIDC=1 needs CSHUB_OIDC_ISSUER (its discovery document gives the endpoints) "
                "or every endpoint set",
                id="sso.E002",
            )
        )
    return errors
