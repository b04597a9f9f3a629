"""Work with the child: the child's voice in their own words, visits and direct work, the
professionals around the child, the National Referral Mechanism, and the transition to
adulthood."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cshub.casework.models import Episode
from cshub.core.codes import Agency
from cshub.core.limits import long_text
from cshub.people.models import Person


class HowGathered(models.TextChoices):
    DIRECT_WORK = "DIRECT_WORK", "In a direct work session"
    VISIT = "VISIT", "On a visit"
    RETURN_INTERVIEW = "RETURN_INTERVIEW", "In a return interview"
    MESSAGE = "MESSAGE", "By phone or message"
    MEETING = "MEETING", "At a meeting about them"
    OTHER = "OTHER", "Other"


class VoiceEntry(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="voice_entries")
    said = long_text("What the child said, in their words")
    how_gathered = models.CharField(max_length=20, choices=HowGathered.choices)
    gathered_on = models.DateField()
    gathered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    shaped = models.CharField(
        "What it shaped (the plan, the assessment, a decision)", max_length=300, blank=True
    )

    class Meta:
        ordering = ["-gathered_on", "-id"]
        verbose_name_plural = "voice entries"

    def __str__(self) -> str:
        return self.said[:60]


class ContactKind(models.TextChoices):
    VISIT = "VISIT", "Visit"
    DIRECT_WORK = "DIRECT_WORK", "Direct work session"


class Contact(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="contacts")
    kind = models.CharField(max_length=12, choices=ContactKind.choices)
    on = models.DateField("Date")
    seen = models.BooleanField("The child was seen", default=True)
    seen_alone = models.BooleanField("The child was seen alone", default=False)
    where = models.CharField("Where", max_length=160)
    present = models.CharField("Who was present", max_length=500, blank=True)
    purpose = long_text("Purpose", blank=True)
    tool = models.CharField("Tool or resource used", max_length=160, blank=True)
    child_said = long_text("What the child said", blank=True)
    impact = long_text("Impact: what difference it made", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(seen=True) | Q(seen_alone=False), name="seen_alone_implies_seen"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.on:%d/%m/%Y}"


class TeamMemberQuerySet(models.QuerySet["TeamMember"]):
    def active_on(self, day: dt.date) -> "TeamMemberQuerySet":
        return self.filter(Q(to_date__isnull=True) | Q(to_date__gte=day), from_date__lte=day)


class TeamMember(models.Model):
    """A professional involved with the child, from when to when."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="team")
    name = models.CharField(max_length=160)
    agency = models.CharField(max_length=32, choices=Agency.choices)
    role = models.CharField(max_length=160)
    from_date = models.DateField("From")
    to_date = models.DateField("To", null=True, blank=True)
    lead = models.BooleanField("Lead professional", default=False)

    objects = TeamMemberQuerySet.as_manager()

    class Meta:
        ordering = ["-lead", "from_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode"], condition=Q(lead=True, to_date__isnull=True), name="one_lead_professional"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_agency_display()})"


class Decision(models.TextChoices):
    POSITIVE = "POSITIVE", "Positive"
    NEGATIVE = "NEGATIVE", "Negative"


class NrmReferral(models.Model):
    """National Referral Mechanism: referral → reasonable grounds → conclusive grounds."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="nrm_referrals")
    referred_on = models.DateField("Referral date")
    first_responder = models.CharField("First responder organisation", max_length=160)
    reasonable_grounds_on = models.DateField("Reasonable grounds decision date", null=True, blank=True)
    reasonable_grounds = models.CharField(max_length=8, choices=Decision.choices, blank=True)
    conclusive_grounds_on = models.DateField("Conclusive grounds decision date", null=True, blank=True)
    conclusive_grounds = models.CharField(max_length=8, choices=Decision.choices, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-referred_on", "-id"]

    def __str__(self) -> str:
        return f"NRM referral of {self.referred_on:%d/%m/%Y}"

    @property
    def stage(self) -> str:
        if self.conclusive_grounds:
            return f"Conclusive grounds: {self.get_conclusive_grounds_display().lower()}"
        if self.reasonable_grounds:
            return f"Reasonable grounds: {self.get_reasonable_grounds_display().lower()}"
        return "Waiting for the reasonable grounds decision"


class TransitionPlan(models.Model):
    """For young people of 17 and over: the move to adult services (versioned, latest shown)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="transition_plans")
    adult_social_care = long_text("Adult social care link")
    housing = long_text("Housing")
    health = long_text("Health")
    support_past_18 = models.BooleanField("Hub support continues past 18", default=False)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-written_at", "-id"]

    def __str__(self) -> str:
        return f"Transition plan of {self.written_at:%d/%m/%Y}"
