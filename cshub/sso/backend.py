"""The OpenID Connect half of sign-in: mozilla-django-oidc's code exchange and ID-token
signature check, with the checks it leaves out (issuer, audience, expiry) and CSHub's
account matching. Not in AUTHENTICATION_BACKENDS: only the callback view calls it."""

from typing import Any

from django.conf import settings
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from cshub.access.models import User
from cshub.sso import actions, config


class SignInRefusedError(Exception):
    """Sign-in refused, with the reason the audit trail keeps (no personal data)."""

    def __init__(self, reason: str, user: User | None = None, tried: str = "") -> None:
        super().__init__(reason)
        self.reason, self.user, self.tried = reason, user, tried


class ClaimMatchBackend(OIDCAuthenticationBackend):  # type: ignore[misc]  # untyped library class
    def __init__(self) -> None:
        super().__init__()
        self.id_claims: dict[str, Any] = {}

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return config.setting(attr, *args)

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        if "nonce" not in kwargs:
            return payload  # a signed userinfo answer, not the ID token
        issuer = settings.CSHUB_OIDC_ISSUER
        if issuer and str(payload.get("iss", "")).rstrip("/") != issuer:
            raise SignInRefusedError("ID token from another issuer")
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        client_id = self.OIDC_RP_CLIENT_ID
        if client_id not in audiences or (len(audiences) > 1 and payload.get("azp") != client_id):
            raise SignInRefusedError("ID token for another client")
        if "exp" not in payload or not payload.get("sub"):
            raise SignInRefusedError("ID token without expiry or subject")
        self.id_claims = payload
        return payload

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> User:
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            userinfo = self.get_userinfo(access_token, id_token, payload)
            if userinfo.get("sub") != payload.get("sub"):
                raise SignInRefusedError("userinfo for another subject")
            claims = {**userinfo, **payload}  # the signed ID token's claims win
        claim = settings.CSHUB_OIDC_MATCH_CLAIM
        value = claims.get(claim)
        if not isinstance(value, str) or not value.strip():
            raise SignInRefusedError(f"no {claim} claim")
        value = value.strip()
        users = actions.users_matching(claim, value)
        if len(users) > 1:
            raise SignInRefusedError(f"more than one account with this {claim}", tried=value)
        if users:
            user = users[0]
        elif settings.CSHUB_OIDC_CREATE_USERS:
            user = actions.create_user_from_claims(claim, value, claims)
        else:
            raise SignInRefusedError(f"no account with this {claim}", tried=value)
        if not user.is_active:
            raise SignInRefusedError("account disabled", user=user)
        return user
