"""The structured exploitation risk assessment: indicators by domain, each present one with
its evidence, and versioned scoring rules (data, shown to users) that suggest a level."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from cshub.casework.models import Assessment, RiskLevel
from cshub.core.limits import long_text


class Domain(models.TextChoices):
    VULNERABILITY = "VULNERABILITY", "The child's vulnerabilities"
    SEXUAL = "SEXUAL", "Indicators of sexual exploitation"
    CRIMINAL = "CRIMINAL", "Indicators of criminal exploitation"
    ONLINE = "ONLINE", "Indicators of online exploitation"
    TRAFFICKING = "TRAFFICKING", "Indicators of trafficking"
    PLACES_PEOPLE = "PLACES_PEOPLE", "Places, peers and people of concern"
    FAMILY = "FAMILY", "The family's capacity to protect"
    STRENGTHS = "STRENGTHS", "Strengths and protective factors"


class Indicator(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    domain = models.CharField(max_length=16, choices=Domain.choices)
    label = models.CharField(max_length=200)
    cin_factor = models.CharField("CIN assessment factor", max_length=4, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.label


class ScoringRulesQuerySet(models.QuerySet["ScoringRules"]):
    def current(self) -> "ScoringRules":
        rules = self.filter(active=True).order_by("-version").first()
        if rules is None:
            raise ScoringRules.DoesNotExist("no active scoring rules")
        return rules


class ScoringRules(models.Model):
    """One version of the scoring rules. A new version is a new row; assessments keep the
    version they were scored with, so an old suggestion can always be explained."""

    version = models.PositiveIntegerField(unique=True)
    weights = models.JSONField(help_text="indicator code → points")
    medium_from = models.PositiveSmallIntegerField()
    high_from = models.PositiveSmallIntegerField()
    always_high = models.JSONField(default=list, help_text="indicator codes that suggest HIGH on their own")
    note = long_text(blank=True)
    introduced_on = models.DateField()
    active = models.BooleanField(default=True)

    objects = ScoringRulesQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        verbose_name_plural = "scoring rules"
        constraints = [
            models.CheckConstraint(
                condition=Q(high_from__gt=models.F("medium_from")), name="high_above_medium"
            )
        ]

    def __str__(self) -> str:
        return f"Scoring rules version {self.version}"

    def score(self, codes: set[str]) -> tuple[int, str]:
        points = sum(int(self.weights.get(code, 0)) for code in codes)
        if codes & set(self.always_high) or points >= self.high_from:
            return points, RiskLevel.HIGH
        if points >= self.medium_from:
            return points, RiskLevel.MEDIUM
        return points, RiskLevel.LOW

    def rows(self) -> list[dict[str, Any]]:
        """The rules as a person reads them: each indicator with its points."""
        by_code = {i.code: i for i in Indicator.objects.all()}
        return [
            {
                "indicator": by_code.get(code),
                "code": code,
                "points": points,
                "always_high": code in self.always_high,
            }
            for code, points in sorted(self.weights.items(), key=lambda kv: (-int(kv[1]), kv[0]))
        ]


class EvidenceSource(models.TextChoices):
    CHILD = "CHILD", "The child said"
    PARENT_CARER = "PARENT_CARER", "A parent or carer"
    POLICE = "POLICE", "Police"
    SCHOOL = "SCHOOL", "School or college"
    HEALTH = "HEALTH", "Health"
    SOCIAL_CARE = "SOCIAL_CARE", "Social care"
    MISSING_SERVICE = "MISSING_SERVICE", "Return interview"
    OTHER = "OTHER", "Other"


class Finding(models.Model):
    """An indicator marked present, with the evidence behind it."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="findings")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    evidence = long_text("What was seen or said")
    observed_by = models.CharField("By whom", max_length=160)
    source = models.CharField(max_length=16, choices=EvidenceSource.choices)
    observed_on = models.DateField("When")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["indicator__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "indicator"], name="one_finding_per_indicator"),
            models.CheckConstraint(condition=~Q(evidence=""), name="finding_has_evidence"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.evidence[:40]}"
