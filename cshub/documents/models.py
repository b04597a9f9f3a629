"""Files attached to a child's record (letters, reports, photographs, NRM forms). The bytes
live outside the web root under a random name (documents.storage); nobody may open a file
until ClamAV has scanned it clean."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from cshub.meetings.models import AgendaItem
from cshub.notes.models import CaseNote
from cshub.people.models import Person
from cshub.referrals.models import Referral


class DocumentKind(models.TextChoices):
    LETTER = "LETTER", "Letter"
    REPORT = "REPORT", "Report"
    PHOTOGRAPH = "PHOTOGRAPH", "Photograph"
    NRM_FORM = "NRM_FORM", "National Referral Mechanism form"
    OTHER = "OTHER", "Other"


class ScanStatus(models.TextChoices):
    PENDING = "PENDING", "Waiting to be scanned"
    CLEAN = "CLEAN", "Scanned: no virus found"
    INFECTED = "INFECTED", "Refused: a virus was found"
    FAILED = "FAILED", "Not scanned: the scanner could not be reached"


class Document(models.Model):
    # The child the file is about; a file on a meeting item may be about none (person empty).
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    case_note = models.ForeignKey(
        CaseNote, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(max_length=12, choices=DocumentKind.choices)
    title = models.CharField(max_length=200)
    original_name = models.CharField(max_length=255)
    stored_name = models.CharField(max_length=64, unique=True)  # random; the file's name on disk
    content_type = models.CharField(max_length=100)  # found from the content, not the name
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    scan_status = models.CharField(max_length=8, choices=ScanStatus.choices, default=ScanStatus.PENDING)
    scan_result = models.CharField(max_length=200, blank=True)  # the signature ClamAV named
    scanned_at = models.DateTimeField(null=True, blank=True)
    police_only = models.BooleanField("Police only", default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    # Removed (documents.actions.remove_document): the bytes are deleted, the row stays as a
    # tombstone saying who removed it, when and why.
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def may_open(self) -> bool:
        return self.scan_status == ScanStatus.CLEAN and self.removed_at is None

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"

    @property
    def is_image(self) -> bool:
        return self.content_type in {"image/jpeg", "image/png"}
