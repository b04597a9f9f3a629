"""The strategic lead's commentary on each section of the problem profile, kept per period
and section. The same approach as the dashboard's commentary (`assurance.Commentary`):
each save is a new version, and the newest for exactly the period is shown. A model of its
own, as the dashboard's sections are that model's choices and drive the dashboard page."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from cshub.core.limits import long_text


class ProfileSection(models.TextChoices):
    EXPLOITATION = "exploitation", "Types of exploitation"
    PLACES = "places", "Places, wards and hotspots"
    NETWORKS = "networks", "Groups and adults of concern"
    DISRUPTION = "disruption", "Disruption activity"
    CHILDREN = "children", "The children"
    MISSING = "missing", "Missing from home and care"


class ProfileCommentaryQuerySet(models.QuerySet["ProfileCommentary"]):
    def latest_for(self, start: dt.date, end: dt.date) -> dict[str, "ProfileCommentary"]:
        """The newest commentary of each section for exactly this period."""
        latest: dict[str, ProfileCommentary] = {}
        for entry in (
            self.filter(period_start=start, period_end=end)
            .select_related("written_by")
            .order_by("written_at", "id")
        ):
            latest[entry.section] = entry
        return latest


class ProfileCommentary(models.Model):
    section = models.CharField(max_length=16, choices=ProfileSection.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    text = long_text()
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    objects = ProfileCommentaryQuerySet.as_manager()

    class Meta:
        ordering = ["-written_at", "-id"]
        verbose_name_plural = "profile commentaries"
        indexes = [
            models.Index(fields=["period_start", "period_end", "section"], name="profile_commentary_period")
        ]

    def __str__(self) -> str:
        return f"{self.section} {self.period_start} to {self.period_end}"
