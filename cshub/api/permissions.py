from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from cshub.access.models import ApiToken
from cshub.access.permissions import Perm
from cshub.access.scopes import Scope


class TokenScope(BasePermission):
    """A request signed with an API token does only what the token's scope allows (a
    session is not narrowed). Reads need `read`; a write needs the view's `write_scope`
    (a POST that only reads, such as the person search, has none and needs `read`)."""

    write_scope: Scope | None = None

    @classmethod
    def scope_for(cls, method: str) -> Scope:
        if cls.write_scope is not None and method.upper() not in SAFE_METHODS:
            return cls.write_scope
        return Scope.READ

    def has_permission(self, request: Request, view: Any) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        needed = self.scope_for(request.method or "GET")
        if token.allows(needed):
            return True
        self.message = (
            f"This token's scope ({', '.join(token.scopes)}) does not allow this: it needs {needed}."
        )
        return False


def has_perm(
    perm: Perm, *, write: Perm | None = None, write_scope: Scope | None = None
) -> type[BasePermission]:
    """A DRF permission from the same Perm enum as the pages (`write` for unsafe methods),
    and the token scope the request needs (`write_scope` for unsafe methods, else `read`)."""

    class HasPerm(TokenScope):
        message = "Your roles do not allow this."

        def has_permission(self, request: Request, view: Any) -> bool:
            user = request.user
            if not (user and user.is_authenticated):
                return False
            needed = (
                write if (write is not None and request.method not in ("GET", "HEAD", "OPTIONS")) else perm
            )
            return bool(user.has(needed)) and super().has_permission(request, view)

    HasPerm.write_scope = write_scope
    HasPerm.__name__ = f"Has_{perm.value}"
    return HasPerm
