"""Consultations: a professional from across the area (a school's safeguarding lead, a GP,
a children's home, a youth worker, a locality social worker, a police officer) phones or
emails the hub for advice about a child they worry about. Not the referral's "MASH
consultation", which is the hub asking the MASH.

A consultation is about a known child (`person`), a child new to CSHub (created first,
after the duplicate check, then `person`), or a child the caller does not name
(**anonymous**: `person` is empty and only initials, age, school or area are kept). An
anonymous consultation can later be linked to a child (`linked_at`, `linked_by`)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cshub.access.models import User
from cshub.core.codes import Agency
from cshub.core.limits import NAME_MAX, long_text
from cshub.people.models import Person, visible_q
from cshub.referrals.models import Referral


class How(models.TextChoices):
    PHONE = "PHONE", "Phone"
    EMAIL = "EMAIL", "Email"
    IN_PERSON = "IN_PERSON", "In person"


class Outcome(models.TextChoices):
    ADVICE_ONLY = "ADVICE_ONLY", "Advice only"
    HUB_REFERRAL = "HUB_REFERRAL", "Referral to the hub"
    MASH_REFERRAL = "MASH_REFERRAL", "Referral to the MASH"
    POLICE_REFERRAL = "POLICE_REFERRAL", "Referral to police"
    MORE_INFORMATION = "MORE_INFORMATION", "Further information requested"


class ConsultationQuerySet(models.QuerySet["Consultation"]):
    def visible_to(self, user: User) -> "ConsultationQuerySet":
        """Anonymous consultations (no child) and those about a child the user may see.
        Callers check the permission to see consultations first."""
        return self.filter(Q(person__isnull=True) | visible_q(user))

    def follow_up_due(self, on: "object") -> "ConsultationQuerySet":
        return self.filter(follow_up_on__isnull=False, follow_up_on__lte=on, followed_up_at__isnull=True)


class Consultation(models.Model):
    occurred_at = models.DateTimeField("When")
    how = models.CharField(max_length=12, choices=How.choices)
    caller_name = models.CharField("Caller's name", max_length=NAME_MAX * 2, blank=True)
    caller_role = models.CharField("Caller's role", max_length=120, blank=True)
    caller_agency = models.CharField("Caller's agency", max_length=32, choices=Agency.choices)
    caller_organisation = models.CharField(
        "Caller's school, practice or organisation", max_length=200, blank=True
    )
    caller_contact = models.CharField("How to contact the caller", max_length=200, blank=True)

    # The child: a record (known, new, or linked later) or, anonymous, these details only.
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="consultations"
    )
    anonymous_initials = models.CharField("Initials", max_length=10, blank=True)
    anonymous_age = models.PositiveSmallIntegerField("Age", null=True, blank=True)
    anonymous_where = models.CharField("School or area", max_length=200, blank=True)
    linked_at = models.DateTimeField(null=True, blank=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # The worry: exploitation types (core.codes.ExploitationType values), indicators (the
    # codes of assessments.Indicator, the WISE list) and the caller's words.
    types = models.JSONField("Types of exploitation", default=list, blank=True)
    indicators = models.JSONField(default=list, blank=True)
    worry = long_text("What the worry is", blank=True)

    advice = long_text("Advice given")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    # Outcome HUB_REFERRAL: the referral it opened (pre-filled from the consultation).
    referral = models.OneToOneField(
        Referral, null=True, blank=True, on_delete=models.PROTECT, related_name="consultation"
    )
    follow_up_on = models.DateField("Follow up by", null=True, blank=True)
    followed_up_at = models.DateTimeField(null=True, blank=True)
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # A partner system's own reference (POST /api/v1/consultations/ is idempotent on it): one
    # per sender (`recorded_by`, the token's user), so two partners' references never meet.
    reference = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001  # NULL: no reference (many)
    source_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["occurred_at"], name="consultation_when"),
            models.Index(fields=["person", "occurred_at"], name="consultation_person_when"),
            models.Index(fields=["follow_up_on"], name="consultation_follow_up"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recorded_by", "reference"],
                condition=models.Q(reference__isnull=False),
                name="one_consultation_per_sender_reference",
            )
        ]

    def __str__(self) -> str:
        return f"Consultation of {self.occurred_at:%Y-%m-%d}"

    @property
    def anonymous(self) -> bool:
        return self.person_id is None
