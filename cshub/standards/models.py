"""The hub's practice standards (docs/practice-standards.md), held as versioned data.

Each change is a new `PracticeStandard` row (a version) that takes effect from a date; a
figure or a due date uses the standard **in force on the day** it is about: the version
with the latest `effective_from` on or before that day (the highest version among those of
the same day). Before the first version of a standard, the setting (CSHUB_STANDARDS /
CSHUB_SUMMARY_MAX_AGE_DAYS) is the standard: a new hub works out of the box."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from cshub.core.limits import long_text


class StandardCode(models.TextChoices):
    ASSESSMENT_FIRST = "ASSESSMENT_FIRST", "First exploitation risk assessment, from the episode opening"
    ASSESSMENT_REVIEW = "ASSESSMENT_REVIEW", "Assessment review, from the last assessment"
    ASSESSMENT_AFTER_EVENT = "ASSESSMENT_AFTER_EVENT", "Assessment review after a high-risk missing episode"
    PLAN_REVIEW_HIGH = "PLAN_REVIEW_HIGH", "Plan review at high risk"
    PLAN_REVIEW_MEDIUM = "PLAN_REVIEW_MEDIUM", "Plan review at medium risk"
    PLAN_REVIEW_LOW = "PLAN_REVIEW_LOW", "Plan review at low risk"
    VISIT = "VISIT", "Visit to the child"
    SUPERVISION = "SUPERVISION", "Supervision of the case"
    VOICE = "VOICE", "The child's voice recorded"
    SUMMARY = "SUMMARY", "Case summary reviewed"


class PracticeStandardQuerySet(models.QuerySet["PracticeStandard"]):
    def in_force_on(self, day: "models.Expression | object") -> "PracticeStandardQuerySet":
        """Versions that had taken effect by `day`, the one in force first (per code)."""
        return self.filter(effective_from__lte=day).order_by("-effective_from", "-version")


class PracticeStandard(models.Model):
    """One version of one standard: at most `days` days between two pieces of practice."""

    code = models.CharField(max_length=32, choices=StandardCode.choices)
    version = models.PositiveIntegerField()
    days = models.PositiveIntegerField()
    effective_from = models.DateField()
    reason = long_text()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    objects = PracticeStandardQuerySet.as_manager()

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="one_practice_standard_version"),
            models.CheckConstraint(condition=models.Q(days__gte=1), name="practice_standard_at_least_a_day"),
        ]
        indexes = [models.Index(fields=["code", "effective_from"], name="practice_standard_in_force")]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}: {self.days} days from {self.effective_from}"
