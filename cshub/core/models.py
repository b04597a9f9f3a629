from django.db import models


class Heartbeat(models.Model):
    """One row that /healthz/ writes to show the database takes writes. It holds nothing but
    the time of the last check: no personal data."""

    checked_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Heartbeat at {self.checked_at:%Y-%m-%d %H:%M:%S}"


class DataVersion(models.Model):
    """One row holding a number that every write and every import raises by one, in its own
    transaction (core.dataversion.bump): a figure kept with the number it was computed at is
    still true while the number is the same (assurance.cached). No personal data."""

    n = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Data version {self.n}"
