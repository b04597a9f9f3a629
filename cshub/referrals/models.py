from django.conf import settings
from django.db import models
from django.utils import timezone

from cshub.access.models import User
from cshub.core.codes import Agency, ExploitationType, ReferralSource
from cshub.core.limits import long_text
from cshub.people.models import Person, visible_q


class Decision(models.TextChoices):
    PENDING = "PENDING", "Awaiting decision"
    OPEN = "OPEN", "Open to the hub"
    NFA = "NFA", "No further action"
    SIGNPOSTED = "SIGNPOSTED", "Signposted to another service"


class ReferralQuerySet(models.QuerySet["Referral"]):
    def visible_to(self, user: User) -> "ReferralQuerySet":
        return self.filter(visible_q(user))

    def pending(self) -> "ReferralQuerySet":
        return self.filter(decision=Decision.PENDING)


class Referral(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="referrals")
    received_date = models.DateField()
    source_code = models.CharField(
        "Referral source", max_length=2, choices=ReferralSource.choices, blank=True
    )
    referrer_name = models.CharField(max_length=120, blank=True)
    referrer_agency = models.CharField(max_length=32, choices=Agency.choices, blank=True)
    primary_type = models.CharField(
        "Main type of exploitation", max_length=24, choices=ExploitationType.choices
    )
    other_types = models.JSONField("Other types of exploitation", default=list, blank=True)
    concerns = long_text("What the concerns are", blank=True)

    decision = models.CharField(max_length=12, choices=Decision.choices, default=Decision.PENDING)
    decision_date = models.DateField(null=True, blank=True)
    decision_rationale = long_text(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    mash_consulted = models.BooleanField("MASH consulted", default=False)
    mash_consulted_on = models.DateField("MASH consultation date", null=True, blank=True)
    mash_consultee = models.CharField("Who in the MASH", max_length=120, blank=True)
    mash_advice = long_text("MASH advice", blank=True)

    source_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-received_date", "-id"]
        indexes = [
            models.Index(fields=["received_date"], name="referral_received"),
            # `referrals:list` without a scan: those awaiting a decision, oldest first, and the
            # latest decisions.
            models.Index(fields=["decision", "received_date", "id"], name="referral_decision_received"),
            models.Index(fields=["decision_date", "id"], name="referral_decided"),
        ]

    def __str__(self) -> str:
        return f"Referral of {self.received_date:%d/%m/%Y}"

    def other_type_labels(self) -> list[str]:
        return [ExploitationType(t).label for t in self.other_types if t in ExploitationType.values]
