"""The OpenID Connect settings, with the provider's endpoints from its discovery document."""

import threading
from typing import Any

import requests
from django.conf import settings

# mozilla-django-oidc setting -> key of the discovery document (OpenID Connect Discovery 1.0).
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",  # nosec B105 # a discovery document's key, not a password
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
_documents: dict[str, dict[str, Any]] = {}
_lock = threading.Lock()


def enabled() -> bool:
    return bool(settings.CSHUB_OIDC)


def provider_name() -> str:
    return str(settings.CSHUB_OIDC_PROVIDER_NAME)


def discovery(issuer: str) -> dict[str, Any]:
    """The issuer's discovery document, read once per process (endpoints do not move;
    the signing keys are read from jwks_uri at each sign-in, so key rotation is followed)."""
    with _lock:
        if issuer not in _documents:
            response = requests.get(
                f"{issuer}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT
            )
            response.raise_for_status()
            document = response.json()
            if document.get("issuer", "").rstrip("/") != issuer:
                raise ValueError("The discovery document names another issuer")
            _documents[issuer] = document
        return _documents[issuer]


def setting(name: str, *default: Any) -> Any:
    """A mozilla-django-oidc setting: set explicitly, else from the issuer's discovery document."""
    value = getattr(settings, name, *default)
    if name == "OIDC_OP_USER_ENDPOINT" and not settings.CSHUB_OIDC_USERINFO:
        return ""
    if not value and name in DISCOVERED and settings.CSHUB_OIDC_ISSUER:
        value = discovery(settings.CSHUB_OIDC_ISSUER).get(DISCOVERED[name], "")
    return value


def provider_did_mfa(amr: object) -> bool:
    """Whether the ID token's `amr` says the provider asked for more than a password."""
    if not isinstance(amr, list):
        return False
    return any(isinstance(v, str) and v in settings.CSHUB_OIDC_MFA_AMR for v in amr)


# CSHUB_PASSWORD_SIGN_IN's other value (the sign-in view, cshub/access, checks it too).
PASSWORD_FOR_SYSADMINS_ONLY = "sysadmins"  # noqa: S105  # nosec B105 # a setting's value, not a password


def password_form_shown() -> bool:
    return not (enabled() and settings.CSHUB_PASSWORD_SIGN_IN == PASSWORD_FOR_SYSADMINS_ONLY)
