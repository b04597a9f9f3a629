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


class AnnualPart(models.TextChoices):
    """The annual report's own texts for a reporting year: the introduction, each section's
    commentary, and the priorities (for next year, and how last year's went)."""

    INTRODUCTION = "introduction", "Introduction"
    CONTEXT = "context", "Context and demand"
    CHILDREN = "children", "Who the children are"
    MISSING = "missing", "Missing from home and care"
    IMPACT = "impact", "Impact and outcomes"
    FEEDBACK = "feedback", "What children and parents told us"
    DISRUPTION = "disruption", "Disrupting those who exploit children"
    QUALITY = "quality", "Quality assurance"
    LAST_PRIORITIES = "last_priorities", "How last year's priorities went"
    PRIORITIES = "priorities", "Priorities for next year"


class AnnualTextQuerySet(models.QuerySet["AnnualText"]):
    def latest_for(self, year: int) -> dict[str, "AnnualText"]:
        """The newest text of each part for the reporting year starting in April of `year`."""
        latest: dict[str, AnnualText] = {}
        for entry in self.filter(year=year).select_related("written_by").order_by("written_at", "id"):
            latest[entry.part] = entry
        return latest


class AnnualText(models.Model):
    """A text of the annual report for a reporting year (1 April `year` to 31 March the year
    after). Each save is a new version; the newest is shown."""

    year = models.PositiveSmallIntegerField()
    part = models.CharField(max_length=16, choices=AnnualPart.choices)
    text = long_text()
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    objects = AnnualTextQuerySet.as_manager()

    class Meta:
        ordering = ["-written_at", "-id"]
        indexes = [models.Index(fields=["year", "part"], name="annual_text_year_part")]

    def __str__(self) -> str:
        return f"{self.part} {self.year}"


class ScrutinyCoverQuerySet(models.QuerySet["ScrutinyCover"]):
    def latest_for(self, year: int) -> "ScrutinyCover | None":
        return self.filter(year=year).order_by("-written_at", "-id").first()


class ScrutinyCover(models.Model):
    """The scrutiny committee's cover report for a reporting year's annual report: the
    details the committee's template asks for. Each save is a new version; the newest is
    used. A public document: the contact is a post and a shared address the writer gives."""

    year = models.PositiveSmallIntegerField()
    report_to = models.CharField(max_length=200)
    meeting_date = models.DateField()
    subject = models.CharField(max_length=200)
    report_of = models.CharField(max_length=200)
    summary = long_text()
    recommendations = long_text()
    wards_affected = models.CharField(max_length=200, default="All")
    contact = long_text()
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    objects = ScrutinyCoverQuerySet.as_manager()

    class Meta:
        ordering = ["-written_at", "-id"]
        indexes = [models.Index(fields=["year"], name="scrutiny_cover_year")]

    def __str__(self) -> str:
        return f"Scrutiny cover {self.year}"

    @property
    def recommendation_list(self) -> list[str]:
        return [line.strip() for line in self.recommendations.splitlines() if line.strip()]
