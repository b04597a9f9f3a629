import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cshub.access.models import User
from cshub.core.codes import Agency, Outcome
from cshub.core.limits import long_text
from cshub.people.models import Person, visible_q
from cshub.referrals.models import Referral
from cshub.standards import standards as practice
from cshub.standards.models import StandardCode


class FeedbackHow(models.TextChoices):
    FACE_TO_FACE = "FACE_TO_FACE", "Face to face"
    PHONE = "PHONE", "By phone or message"
    FORM = "FORM", "On a feedback form"
    ADVOCATE = "ADVOCATE", "Through an advocate or another professional"
    OTHER = "OTHER", "Another way"


class EpisodeQuerySet(models.QuerySet["Episode"]):
    def visible_to(self, user: User) -> "EpisodeQuerySet":
        return self.filter(visible_q(user))

    def open(self) -> "EpisodeQuerySet":
        return self.filter(close_date__isnull=True)

    def open_on(self, day: dt.date) -> "EpisodeQuerySet":
        return self.filter(Q(close_date__isnull=True) | Q(close_date__gte=day), open_date__lte=day)

    def awaiting_authorisation(self) -> "EpisodeQuerySet":
        return self.filter(close_date__isnull=True, closure_requested_at__isnull=False)


class Episode(models.Model):
    """One period of hub involvement for one child. One open episode per child at a time."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="episodes")
    referral = models.OneToOneField(
        Referral, null=True, blank=True, on_delete=models.PROTECT, related_name="episode"
    )
    open_date = models.DateField()
    close_date = models.DateField(null=True, blank=True)
    allocated_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocated_episodes",
    )
    locality_social_worker = models.CharField(max_length=120, blank=True)
    lead_professional = models.CharField(max_length=120, blank=True)
    lead_professional_agency = models.CharField(max_length=32, choices=Agency.choices, blank=True)

    # Closure: recorded by the worker, authorised by a team manager.
    closure_requested_at = models.DateTimeField(null=True, blank=True)
    closure_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_close_date = models.DateField(null=True, blank=True)
    closure_summary = long_text(blank=True)
    outcome_eet = models.CharField(
        "In education, employment or training", max_length=16, choices=Outcome.choices, blank=True
    )
    outcome_stable_accommodation = models.CharField(
        "Living in stable accommodation", max_length=16, choices=Outcome.choices, blank=True
    )
    outcome_positive_relationship = models.CharField(
        "Has a positive, trusted relationship", max_length=16, choices=Outcome.choices, blank=True
    )
    # The ticks are the figures (feedback.child, feedback.parent_carer); the words are what
    # was said, and how it was gathered.
    feedback_child = models.BooleanField("Feedback obtained from the child", null=True, blank=True)
    feedback_child_said = long_text("What the child said about the hub's work", blank=True)
    feedback_child_how = models.CharField(
        "How the child's feedback was gathered", max_length=16, choices=FeedbackHow.choices, blank=True
    )
    feedback_parent_carer = models.BooleanField(
        "Feedback obtained from a parent or carer", null=True, blank=True
    )
    feedback_parent_carer_said = long_text("What the parent or carer said about the hub's work", blank=True)
    feedback_parent_carer_how = models.CharField(
        "How the parent or carer's feedback was gathered",
        max_length=16,
        choices=FeedbackHow.choices,
        blank=True,
    )
    step_down_to = models.CharField("Support continuing from (step-down)", max_length=200, blank=True)
    child_view_of_ending = long_text("The child's view of the hub's work ending", blank=True)
    # Why closing may be premature (last assessed level medium or high, missing in the last
    # 30 days), fixed when the closure is recorded; a manager gives a reason to go on.
    closure_warnings = models.JSONField(default=list, blank=True)
    closure_override_reason = long_text(blank=True)
    closure_authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closure_authorised_at = models.DateTimeField(null=True, blank=True)

    source_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = EpisodeQuerySet.as_manager()

    class Meta:
        verbose_name = "hub episode"
        ordering = ["-open_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(close_date__isnull=True), name="one_open_episode_per_child"
            ),
            models.CheckConstraint(
                condition=Q(close_date__isnull=True) | Q(close_date__gte=models.F("open_date")),
                name="episode_closes_after_opening",
            ),
        ]
        indexes = [models.Index(fields=["open_date", "close_date"], name="episode_dates")]

    def __str__(self) -> str:
        return f"Hub episode from {self.open_date:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.close_date is None

    @property
    def status(self) -> str:
        if self.close_date:
            return "Closed"
        if self.closure_requested_at:
            return "Closure awaiting authorisation"
        if self.allocated_worker_id is None:
            return "Awaiting allocation"
        return "Open"


class RiskLevel(models.TextChoices):
    LOW = "LOW", "Low"
    MEDIUM = "MEDIUM", "Medium"
    HIGH = "HIGH", "High"


class Assessment(models.Model):
    """An exploitation risk assessment of an episode: the assessor's level and, when a
    manager reviewed it, the reviewer's (the pairs behind the reviewer-agreement figures).
    Issue 5 builds the structured assessment (domains, evidence, scoring) on this."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="assessments")
    completed_date = models.DateField(db_index=True)
    risk_level = models.CharField(max_length=6, choices=RiskLevel.choices)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewer_risk_level = models.CharField(max_length=6, choices=RiskLevel.choices, blank=True)
    cin_factors = models.JSONField("CIN assessment factors", default=list, blank=True)
    source_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    # The structured (WISE) assessment: the level the scoring rules suggested from the
    # indicators, and the worker's reasoning when their level differs from it.
    suggested_level = models.CharField(max_length=6, choices=RiskLevel.choices, blank=True)
    rules_version = models.PositiveIntegerField(null=True, blank=True)
    score = models.IntegerField(null=True, blank=True)
    rationale = long_text("Why this level", blank=True)
    child_view = long_text("The child's own view", blank=True)
    family_capacity = long_text("The family's capacity to protect", blank=True)
    strengths = long_text("Strengths and protective factors", blank=True)
    analysis = long_text("Analysis: what we are worried about and why", blank=True)
    reviewer_reason = long_text(blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-completed_date", "-id"]

    def __str__(self) -> str:
        return f"Assessment of {self.completed_date:%d/%m/%Y}: {self.risk_level}"

    @property
    def is_structured(self) -> bool:
        return self.rules_version is not None

    @property
    def reviewer_agrees(self) -> bool | None:
        if not self.reviewer_risk_level:
            return None
        return self.reviewer_risk_level == self.risk_level


class CaseSummary(models.Model):
    """The child's case summary. Each edit is a new version; the latest is shown."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="case_summaries")
    who_the_child_is = long_text("Who the child is")
    current_risks = long_text("Current risks")
    what_is_working = long_text("What is working well")
    the_plan = long_text("What the plan is")
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-written_at", "-id"]
        verbose_name_plural = "case summaries"

    def __str__(self) -> str:
        return f"Case summary of {self.written_at:%d/%m/%Y}"

    def is_stale(self, today: dt.date | None = None, max_age: int | None = None) -> bool:
        """Older than `max_age` days (the case summary standard in force today by default)."""
        today = today or timezone.localdate()
        if max_age is None:
            max_age = practice.standard(StandardCode.SUMMARY, today)
        age = today - timezone.localtime(self.written_at).date()
        return age.days > max_age
