from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_otp.models import Device


class Identity(models.Model):
    """Who a user is at the identity provider: the value of the matching claim (for
    example Entra ID's `oid`), when it is not the user's email address."""

    user: "models.ForeignKey[Any, Any]" = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identities"
    )
    claim = models.CharField(max_length=40)
    value = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["claim", "value"], name="sso_identity_unique_value"),
            models.UniqueConstraint(fields=["user", "claim"], name="sso_identity_one_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.claim} of user {self.user_id}"


class ProviderDevice(Device):  # type: ignore[misc]  # django-otp has no type hints
    """The second factor the identity provider asked for (its ID token's `amr` said so).

    A django-otp device so that `user.is_verified()` means the same everywhere; it takes
    no code (`verify_token` is always false), so it can only be used by the sign-in callback."""

    user: "models.ForeignKey[Any, Any]" = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_devices"
    )

    def verify_token(self, token: object) -> bool:
        return False
