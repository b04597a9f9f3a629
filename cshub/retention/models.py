"""Retention rules (data, one per record type), legal holds, and the tombstones disposal
leaves (docs/data-protection.md). A tombstone holds no personal data: the kind of record,
its old id, the rule, when it became due, who disposed of it, when and why."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from cshub.core.limits import SHORT_TEXT_MAX, long_text
from cshub.people.models import Person


class RecordType(models.TextChoices):
    CHILD = "CHILD", "A child's record"
    ADULT = "ADULT", "An adult's record"


class Basis(models.TextChoices):
    AGE = "AGE", "Until the person reaches an age (the period is the age)"
    EPISODE_CLOSED = "EPISODE_CLOSED", "Years after the last hub episode closed"
    LAST_ACTIVITY = "LAST_ACTIVITY", "Years after the last activity on the record"


class RetentionRule(models.Model):
    record_type = models.CharField(max_length=8, choices=RecordType.choices, unique=True)
    basis = models.CharField(max_length=16, choices=Basis.choices)
    years = models.PositiveSmallIntegerField()
    policy = long_text("The council's policy", blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["record_type"]

    def __str__(self) -> str:
        return f"{self.get_record_type_display()}: {self.describe()}"

    def describe(self) -> str:
        if self.basis == Basis.AGE:
            return f"until their {ordinal(self.years)} birthday"
        if self.basis == Basis.EPISODE_CLOSED:
            return f"{self.years} years after the last hub episode closed"
        return f"{self.years} years after the last activity"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


class LegalHold(models.Model):
    """A record that must not be disposed of (litigation, an inquiry, a police request)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="legal_holds")
    reason = models.CharField(max_length=SHORT_TEXT_MAX)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-placed_at", "-id"]

    def __str__(self) -> str:
        return f"Legal hold on record {self.person_id}"


class Disposal(models.Model):
    """The tombstone of a disposed record: no name, no date of birth, no content."""

    record_type = models.CharField(max_length=8, choices=RecordType.choices)
    old_id = models.BigIntegerField(db_index=True)
    merged_ids = models.JSONField(default=list, blank=True)  # records merged into it, gone too
    rule = models.CharField(max_length=SHORT_TEXT_MAX)  # the rule as it read on the day
    due_on = models.DateField()
    disposed_at = models.DateTimeField(default=timezone.now)
    disposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=SHORT_TEXT_MAX)
    rows = models.JSONField(default=dict, blank=True)  # {model label: rows deleted}
    documents = models.PositiveIntegerField(default=0)  # files deleted
    audit_events_scrubbed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-disposed_at", "-id"]

    def __str__(self) -> str:
        return f"Disposal of record {self.old_id}"
