"""The missing-from-care profile (the Philomena Protocol): what carers and police need the
moment a looked-after child goes missing. Versioned: every save, and every review that
changes nothing, is a new version; the latest is the profile (docs/philomena.md)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from cshub.core.limits import NAME_MAX, SHORT_TEXT_MAX, long_text
from cshub.documents.models import Document
from cshub.people.models import Person


class Change(models.TextChoices):
    WRITTEN = "WRITTEN", "Written"
    UPDATED = "UPDATED", "Updated"
    REVIEWED = "REVIEWED", "Reviewed: no changes"


# The fields a version holds, in the order the page, the form and the PDF show them.
DESCRIPTION = ("height", "build", "hair", "eyes", "marks", "clothing")
CONTACT = ("phones", "social_media")
WHERE = ("places", "people")
RISKS = ("health_needs", "medication", "exploitation_concerns")
WHAT_TO_DO = ("who_to_call", "responds_to")
CARER = ("carer_name", "carer_phone", "carer_address")
TEXT_FIELDS = (*DESCRIPTION, *CONTACT, *WHERE, *RISKS, *WHAT_TO_DO, *CARER)


class Profile(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="philomena_profiles")
    version = models.PositiveIntegerField()
    change = models.CharField(max_length=8, choices=Change.choices)
    # Whether the worker says the child is looked after (the council's record or the last
    # missing episode may say so too: philomena.review.looked_after).
    in_care = models.BooleanField("Looked after (in care)", default=True)
    # A CLEAN image document of this child, not police-only (the profile goes to carers).
    photo = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.PROTECT, related_name="philomena_profiles"
    )
    height = models.CharField(max_length=100, blank=True)
    build = models.CharField(max_length=100, blank=True)
    hair = models.CharField(max_length=100, blank=True)
    eyes = models.CharField(max_length=100, blank=True)
    marks = models.CharField("Scars, marks and tattoos", max_length=SHORT_TEXT_MAX, blank=True)
    clothing = models.CharField("Clothing usually worn", max_length=SHORT_TEXT_MAX, blank=True)
    phones = long_text("Phone numbers", blank=True)
    social_media = long_text("Social media accounts", blank=True)
    places = long_text("Places they go to", blank=True)
    people = long_text("People they go to", blank=True)
    health_needs = long_text("Health needs", blank=True)
    medication = long_text(blank=True)
    exploitation_concerns = long_text("Exploitation concerns", blank=True)
    who_to_call = long_text("Who to call")
    responds_to = long_text("What they respond to", blank=True)
    carer_name = models.CharField("Carer's name", max_length=NAME_MAX * 2, blank=True)
    carer_phone = models.CharField("Carer's phone number", max_length=40, blank=True)
    carer_address = models.CharField("Placement address", max_length=SHORT_TEXT_MAX, blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["person", "version"], name="one_philomena_version")]

    def __str__(self) -> str:
        return f"Missing-from-care profile, version {self.version}"

    def text(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in TEXT_FIELDS}
