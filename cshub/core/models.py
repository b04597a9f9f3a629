from django.db import models


class Heartbeat(models.Model):
    """One row that /healthz/ writes to show the database takes writes. It holds nothing but
    the time of the last check: no personal data."""

    checked_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Heartbeat at {self.checked_at:%Y-%m-%d %H:%M:%S}"
