"""OpenAPI descriptions of CSHub's two ways to authenticate, and of the token scope each
operation needs (`x-token-scope`)."""

from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ComponentRegistry

from cshub.access.scopes import DEFAULT_TOKEN_DAYS, TOKEN_DAYS, Scope
from cshub.api.permissions import TokenScope

TOKENS = (
    "A personal token made on 'Your account': `Authorization: Bearer csh_…`. It lasts "
    f"{', '.join(map(str, TOKEN_DAYS))} days as chosen ({DEFAULT_TOKEN_DAYS} unless chosen "
    "otherwise); an expired or revoked token is refused with 401. Its scope says what it may "
    "do, within its user's roles (each operation names the scope it needs as `x-token-scope`; "
    "a token without it gets 403): "
    + "; ".join(f"`{scope.value}`: {scope.label.lower()}" for scope in Scope)
    + ". Reads need `read`; `referrals:write` sends referrals (POST /api/v1/referrals/); "
    "`missing:report` sends missing reports (POST /api/v1/missing-episodes/) and reads nothing, "
    "not even this schema."
)


class ScopedAutoSchema(AutoSchema):
    """drf-spectacular's schema, with each operation's token scope as `x-token-scope`."""

    def get_operation(
        self, path: str, path_regex: str, path_prefix: str, method: str, registry: ComponentRegistry
    ) -> dict[str, Any] | None:
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is not None:
            for permission in self.view.get_permissions():
                if isinstance(permission, TokenScope):
                    operation["x-token-scope"] = str(permission.scope_for(method))
                    break
        return operation


class BearerTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "cshub.api.authentication.BearerTokenAuthentication"
    name = "bearerToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": TOKENS}


class VerifiedSessionScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "cshub.api.authentication.VerifiedSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}
