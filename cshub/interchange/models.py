from django.conf import settings
from django.db import models
from django.utils import timezone


class ImportRun(models.Model):
    """One import: what it was, who ran it, and what it created and changed."""

    source = models.CharField(max_length=255)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    counts = models.JSONField(default=dict)
    warnings = models.JSONField(default=list)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Import of {self.source} at {self.started_at:%Y-%m-%d %H:%M}"
