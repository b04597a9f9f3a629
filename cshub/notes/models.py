"""Case notes: a typed, dated note on a child (a phone call, a strategy discussion, a case
discussion, management oversight, other). Visits and direct work are `contact` records."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from cshub.core.limits import SHORT_TEXT_MAX, long_text
from cshub.people.models import Person


class NoteKind(models.TextChoices):
    PHONE_CALL = "PHONE_CALL", "Phone call"
    STRATEGY_DISCUSSION = "STRATEGY_DISCUSSION", "Strategy discussion"
    CASE_DISCUSSION = "CASE_DISCUSSION", "Case discussion"
    MANAGEMENT_OVERSIGHT = "MANAGEMENT_OVERSIGHT", "Management oversight"
    OTHER = "OTHER", "Other"


class CaseNote(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="case_notes")
    kind = models.CharField(max_length=24, choices=NoteKind.choices)
    occurred_at = models.DateTimeField("When it happened")
    present = models.CharField("Who was present", max_length=500, blank=True)
    body = long_text("Note")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["person", "-occurred_at"], name="casenote_person_time")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_at:%Y-%m-%d}"

    @property
    def edit_until(self) -> dt.datetime:
        """Until when its author may edit it in place; after that it is amended."""
        return self.created_at + dt.timedelta(minutes=settings.CSHUB_NOTE_EDIT_MINUTES)


class Change(models.TextChoices):
    RECORDED = "RECORDED", "Recorded"
    EDITED = "EDITED", "Edited"
    AMENDED = "AMENDED", "Amended"


class CaseNoteVersion(models.Model):
    """Every version of a note, the first as recorded: the note holds the current one.
    Nothing updates or deletes a version."""

    note = models.ForeignKey(CaseNote, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    change = models.CharField(max_length=8, choices=Change.choices)
    kind = models.CharField(max_length=24, choices=NoteKind.choices)
    occurred_at = models.DateTimeField("When it happened")
    present = models.CharField("Who was present", max_length=500, blank=True)
    body = long_text("Note")
    reason = models.CharField("Reason for the amendment", max_length=SHORT_TEXT_MAX, blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["note", "number"]
        constraints = [
            models.UniqueConstraint(fields=["note", "number"], name="one_case_note_version_number")
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of case note {self.note_id}"
