"""Linkage keys (docs/region.md, "Linkage").

On a hub: `LinkageRef` is the opaque id the hub sends with a record's encoding: random,
stable, meaningless outside the hub (never a database id, never derived from identifiers).
Part B adds the region's side (the encodings received, the matches found) and what it needs."""

import secrets

from django.db import models
from django.utils import timezone

from cshub.intelligence.models import Subject
from cshub.people.models import Person


def new_ref() -> str:
    return secrets.token_hex(16)


class RecordKind(models.TextChoices):
    CHILD = "child", "Child"
    ADULT = "adult", "Adult of concern"


class LinkageRef(models.Model):
    """One hub record the hub encodes: a child (`person`) or an adult of concern (`subject`,
    an intelligence subject of kind ADULT)."""

    ref = models.CharField(max_length=32, unique=True, default=new_ref)
    kind = models.CharField(max_length=5, choices=RecordKind.choices)
    person = models.OneToOneField(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="linkage_ref"
    )
    subject = models.OneToOneField(
        Subject, null=True, blank=True, on_delete=models.CASCADE, related_name="linkage_ref"
    )
    # A digest of the encoding last sent (sent again only when it changes) and when.
    sent_digest = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False, subject__isnull=True)
                | models.Q(person__isnull=True, subject__isnull=False),
                name="linkage_ref_one_record",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.ref}"
