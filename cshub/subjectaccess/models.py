"""A subject access request: what CSHub holds about a person, the items marked for review
(third parties named, police-only content, documents), each decision with its reason, and
the release (docs/data-protection.md#subject-access)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from cshub.core.limits import SHORT_TEXT_MAX, long_text
from cshub.people.models import Person


class ItemKind(models.TextChoices):
    THIRD_PARTY = "THIRD_PARTY", "Another person named"
    PROFESSIONAL = "PROFESSIONAL", "A professional named"
    POLICE_ONLY = "POLICE_ONLY", "Police-only information"
    DOCUMENT = "DOCUMENT", "A document"


class Decision(models.TextChoices):
    PENDING = "PENDING", "Not reviewed"
    REDACT = "REDACT", "Redact"
    KEEP = "KEEP", "Keep"


class SubjectAccessRequest(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="subject_access_requests")
    reference = models.CharField(max_length=SHORT_TEXT_MAX, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Subject access request {self.pk}"


class ReviewItem(models.Model):
    request = models.ForeignKey(SubjectAccessRequest, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=12, choices=ItemKind.choices)
    key = models.CharField(max_length=120)  # "name:<text>" or "row:<model>:<pk>" or "document:<pk>"
    text = long_text()  # the name, or the content, as it would be released
    where = models.CharField(max_length=SHORT_TEXT_MAX)
    decision = models.CharField(max_length=8, choices=Decision.choices, default=Decision.PENDING)
    reason = models.CharField(max_length=SHORT_TEXT_MAX, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "id"]
        constraints = [models.UniqueConstraint(fields=["request", "key"], name="sar_item_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.where}"
