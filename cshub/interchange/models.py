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
    # People the import created who may already have had a record: [{"file", "line",
    # "new", "existing"}] (CSHub ids), for a worker to compare; the import never merges.
    lookalikes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Import of {self.source} at {self.started_at:%Y-%m-%d %H:%M}"


class CodeMapping(models.Model):
    """A value a council's system writes in a coded column that CSHub's code lists do not
    place, mapped by a manager to a CSHub code; used by every later import
    (interchange.codelists). Made and changed only through interchange.actions (audited)."""

    table = models.CharField(max_length=40)  # the table's key in interchange.spec (`person`)
    column = models.CharField(max_length=100)
    value = models.CharField(max_length=100)  # as the extract wrote it (first time mapped)
    value_key = models.CharField(max_length=100)  # folded (codelists.fold): what is compared
    code = models.CharField(max_length=40)
    mapped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    mapped_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["table", "column", "value_key"]
        constraints = [
            models.UniqueConstraint(fields=["table", "column", "value_key"], name="one_mapping_per_value")
        ]

    def __str__(self) -> str:
        return f"{self.table}.{self.column}: {self.value} -> {self.code}"
