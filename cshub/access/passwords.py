"""Password rules beyond Django's validators (settings.AUTH_PASSWORD_VALIDATORS)."""

from typing import Any

from django.core.exceptions import ValidationError

MAX_LENGTH = 128


class MaximumLengthValidator:
    """Passwords of up to 128 characters are allowed (ASVS 2.1.2): long passphrases are
    welcome, a megabyte of text to hash is not."""

    def __init__(self, max_length: int = MAX_LENGTH) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                f"Your password must be {self.max_length} characters or fewer", code="password_too_long"
            )

    def get_help_text(self) -> str:
        return f"Your password must be {self.max_length} characters or fewer."
