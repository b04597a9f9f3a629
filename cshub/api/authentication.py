from typing import Any

from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from cshub.access.middleware import demo_skips_second_factor
from cshub.access.models import ApiToken, User, hash_token


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer csh_…` with a personal token made on the account page."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Give the token after 'Bearer ', with no spaces in it.")
        raw = header[1].decode(errors="replace")
        token = ApiToken.objects.live().select_related("user").filter(digest=hash_token(raw)).first()
        if token is None:
            # Unknown, revoked and expired alike: the answer says no more than that.
            raise exceptions.AuthenticationFailed("The token is not valid, has expired or has been revoked.")
        # Last use, written at most once a minute (not a write on every request).
        if token.last_used_at is None or (timezone.now() - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class VerifiedSessionAuthentication(authentication.SessionAuthentication):
    """The browser session, only once the second factor has been passed."""

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        if not (user.is_verified() or demo_skips_second_factor(user)):
            return None
        return result
