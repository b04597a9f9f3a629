import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from cshub.core.limits import long_text


class Section(models.TextChoices):
    DEMAND = "demand", "Who we work with"
    MISSING = "missing", "Children missing from home and care"
    IMPACT = "impact", "What difference are we making?"
    PRACTICE = "practice", "How well are we doing?"
    DISRUPTION = "disruption", "What did we do about those who exploit children?"
    CONSULTATIONS = "consultations", "Consultations: advice to professionals"
    AREA = "area", "Whole area: every child at risk of exploitation"
    AUDITS = "audits", "Case audits: the quality of our practice"


class CommentaryQuerySet(models.QuerySet["Commentary"]):
    def latest_for(self, start: dt.date, end: dt.date) -> dict[str, "Commentary"]:
        """The newest commentary of each section for exactly this period."""
        latest: dict[str, Commentary] = {}
        for entry in (
            self.filter(period_start=start, period_end=end)
            .select_related("written_by")
            .order_by("written_at", "id")
        ):
            latest[entry.section] = entry
        return latest


class Commentary(models.Model):
    """What the figures of a section mean, written for a period. Each save is a new
    version, so what went to committee with a report can always be found again."""

    section = models.CharField(max_length=16, choices=Section.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    text = long_text()
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    objects = CommentaryQuerySet.as_manager()

    class Meta:
        ordering = ["-written_at", "-id"]
        verbose_name_plural = "commentaries"
        indexes = [models.Index(fields=["period_start", "period_end", "section"], name="commentary_period")]

    def __str__(self) -> str:
        return f"{self.section} {self.period_start} to {self.period_end}"


class Dimension(models.TextChoices):
    GENDER = "gender", "Gender"
    ETHNICITY = "ethnicity", "Ethnicity"
    AGE_BAND = "age_band", "Age band"
    IMD_DECILE = "imd_decile", "IMD decile"


class ReferencePopulation(models.Model):
    """The area's reference population by group (population.csv), for disproportionality."""

    dimension = models.CharField(max_length=16, choices=Dimension.choices)
    group = models.CharField(max_length=32)
    count = models.PositiveIntegerField()

    class Meta:
        ordering = ["dimension", "group"]
        constraints = [models.UniqueConstraint(fields=["dimension", "group"], name="unique_population_group")]

    def __str__(self) -> str:
        return f"{self.dimension} {self.group}: {self.count}"


class CachedFigures(models.Model):
    """Every figure of one period as metrics.compute() gave it, kept with the data version it
    was computed at (core.dataversion) and what else it depends on (`key`, see
    assurance.cached). Only an entry of the current version is ever read; an entry holds
    counts and usernames of workers (caseload.by_worker), never a child's details."""

    version = models.BigIntegerField()
    key = models.CharField(max_length=200)
    figures = models.JSONField()
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="cached_figures_version_key")]
        verbose_name_plural = "cached figures"

    def __str__(self) -> str:
        return f"Figures {self.key} at version {self.version}"
