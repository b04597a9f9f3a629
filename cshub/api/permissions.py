from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from cshub.access.permissions import Perm


def has_perm(perm: Perm, *, write: Perm | None = None) -> type[BasePermission]:
    """A DRF permission from the same Perm enum as the pages (`write` for unsafe methods)."""

    class HasPerm(BasePermission):
        message = "Your roles do not allow this."

        def has_permission(self, request: Request, view: Any) -> bool:
            user = request.user
            if not (user and user.is_authenticated):
                return False
            needed = (
                write if (write is not None and request.method not in ("GET", "HEAD", "OPTIONS")) else perm
            )
            return bool(user.has(needed))

    HasPerm.__name__ = f"Has_{perm.value}"
    return HasPerm
