"""Phrases that blame a child or leave risk vague, with what to write instead. After The
Children's Society's guide to appropriate language about child exploitation (2024). Data a
hub can extend; the guidance is advice, never a block."""

from django.conf import settings
from django.db import models

from cshub.core.limits import SHORT_TEXT_MAX


class Kind(models.TextChoices):
    BLAMING = "BLAMING", "Blames the child"
    VAGUE = "VAGUE", "Leaves the risk vague"


class Phrase(models.Model):
    phrase = models.CharField(
        max_length=120, unique=True, help_text="Matched case-insensitively, as whole words"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    why = models.CharField("Why it matters", max_length=SHORT_TEXT_MAX)
    instead = models.CharField("What to write instead", max_length=SHORT_TEXT_MAX)
    active = models.BooleanField(default=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["phrase"]

    def __str__(self) -> str:
        return self.phrase
