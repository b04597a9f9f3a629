"""Missing episodes and return interviews (the data of interchange.md; the workflow on
top of them is issue 4's)."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cshub.access.models import User
from cshub.core.limits import NAME_MAX, SHORT_TEXT_MAX, long_text
from cshub.people.models import Person, visible_q


class MissingType(models.TextChoices):
    MISSING = "M", "Missing"
    AWAY = "A", "Away without authorisation"


class PoliceRisk(models.TextChoices):
    NO_APPARENT_RISK = "NO_APPARENT_RISK", "No apparent risk"
    LOW = "LOW", "Low"
    MEDIUM = "MEDIUM", "Medium"
    HIGH = "HIGH", "High"


class YesNoNA(models.TextChoices):
    YES = "Y", "Yes"
    NO = "N", "No"
    NA = "NA", "Not applicable"


# The ids of missing episodes read from an SSDA903 return (cshub.interchange.returns).
RETURN_PREFIX = "903:"


def collection_end(day: dt.date) -> dt.date:
    """The last day of the DfE collection year (1 April to 31 March) `day` is in."""
    return dt.date(day.year + 1 if day.month >= 4 else day.year, 3, 31)


def last_collection_end_before(today: dt.date) -> dt.date:
    """The last 31 March before `today`: collection years up to it are over."""
    return dt.date(today.year if (today.month, today.day) > (3, 31) else today.year - 1, 3, 31)


class MissingEpisodeQuerySet(models.QuerySet["MissingEpisode"]):
    def visible_to(self, user: User) -> "MissingEpisodeQuerySet":
        return self.filter(visible_q(user))

    def missing_now(self, today: dt.date) -> "MissingEpisodeQuerySet":
        """Not back: no return recorded, leaving out episodes from a DfE return whose
        collection year ended before `today` (the return cannot say the child is still
        missing, only that no end was recorded in it)."""
        over = last_collection_end_before(today)
        return self.filter(returned_at__isnull=True).exclude(
            source_id__startswith=RETURN_PREFIX,
            reported_at__lt=timezone.make_aware(dt.datetime.combine(over + dt.timedelta(days=1), dt.time(0))),
        )

    def awaiting_interview(self) -> "MissingEpisodeQuerySet":
        """Returned, and no return interview recorded yet (whatever its outcome)."""
        return self.filter(returned_at__isnull=False, interviews__isnull=True)


class MissingEpisode(models.Model):
    # Indexed with reported_at (missing_person_reported), as a child's history is read.
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="missing_episodes", db_index=False
    )
    reported_at = models.DateTimeField("Reported missing", db_index=True)
    returned_at = models.DateTimeField("Returned or found", null=True, blank=True, db_index=True)
    missing_type = models.CharField(max_length=1, choices=MissingType.choices, blank=True)
    police_risk = models.CharField(max_length=16, choices=PoliceRisk.choices, blank=True)
    from_care = models.BooleanField("Missing from care", null=True, blank=True)
    police_reference = models.CharField(max_length=40, null=True, blank=True, unique=True)
    placement = models.CharField("Placement (missing from care)", max_length=200, blank=True)
    found_location = models.CharField("Where the child was found", max_length=200, blank=True)
    found_with = models.CharField("Who the child was found with", max_length=200, blank=True)
    found_with_adult_of_concern = models.BooleanField("Found with an adult of concern", default=False)
    circumstances = long_text(blank=True)
    rhi_offered = models.CharField(
        "Return interview offered (as given)", max_length=2, choices=YesNoNA.choices, blank=True
    )
    rhi_accepted = models.CharField(
        "Return interview accepted (as given)", max_length=2, choices=YesNoNA.choices, blank=True
    )
    source_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    recorded_by = models.ForeignKey(  # never searched by: no index to keep up on every import
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = MissingEpisodeQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(returned_at__isnull=True) | Q(returned_at__gte=models.F("reported_at")),
                name="missing_returns_after_reported",
            )
        ]
        indexes = [models.Index(fields=["person", "reported_at"], name="missing_person_reported")]

    def __str__(self) -> str:
        return f"Missing episode reported {self.reported_at:%Y-%m-%d %H:%M}"

    @property
    def return_collection_end(self) -> dt.date | None:
        """For an episode read from a DfE return (SSDA903, ids `903:…`): the end of the
        return's collection year (31 March) it started in. A 903 leaves MIS_END blank when
        the child had not come back by then; after it, the return cannot say."""
        if not (self.source_id or "").startswith(RETURN_PREFIX):
            return None
        return collection_end(timezone.localtime(self.reported_at).date())

    def end_not_recorded(self, today: dt.date) -> bool:
        """No end, but from a return whose collection year is over: not "missing now"."""
        end = self.return_collection_end
        return self.returned_at is None and end is not None and end < today


class InterviewOutcome(models.TextChoices):
    COMPLETED = "COMPLETED", "Completed"
    DECLINED = "DECLINED", "Declined"
    UNABLE_TO_CONTACT = "UNABLE_TO_CONTACT", "Unable to contact"
    NOT_OFFERED = "NOT_OFFERED", "Not offered"


class ReviewDecision(models.TextChoices):
    NFA = "NFA", "No further action"
    SHARE = "SHARE", "Share with the allocated worker"
    REFER_HUB = "REFER_HUB", "Refer to the Complex Safeguarding Hub"
    REFER_MASH = "REFER_MASH", "Refer to the MASH (not known to social care)"


class ReturnInterview(models.Model):
    missing_episode = models.ForeignKey(MissingEpisode, on_delete=models.PROTECT, related_name="interviews")
    outcome = models.CharField(max_length=20, choices=InterviewOutcome.choices)
    offered_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    interviewer = models.ForeignKey(  # never searched by: no index to keep up on every import
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    delay_reason = long_text(blank=True)
    offered_how = models.CharField("How it was offered", max_length=100, blank=True)
    child_account = long_text("The child's account, in their words", blank=True)
    push_factors = long_text("What made the child leave (push factors)", blank=True)
    pull_factors = long_text("What drew the child away (pull factors)", blank=True)
    where_and_who = long_text("Where they were and who with", blank=True)
    reviewed_by = models.ForeignKey(  # never searched by
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_decision = models.CharField(max_length=12, choices=ReviewDecision.choices, blank=True)
    review_reason = long_text(blank=True)
    follow_up_referral = models.ForeignKey(  # read from the interview only, never searched by
        "referrals.Referral",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    exploitation_concern = models.BooleanField(null=True, blank=True)
    source_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    recorded_by = models.ForeignKey(  # never searched by: no index to keep up on every import
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-completed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome="COMPLETED") | Q(completed_at__isnull=False),
                name="completed_interview_has_time",
            )
        ]

    def __str__(self) -> str:
        return f"Return interview ({self.outcome})"


class TriggerKind(models.TextChoices):
    REPEAT = "REPEAT", "Episodes within a number of days"
    HIGH_RISK = "HIGH_RISK", "A high-risk episode"
    LONG = "LONG", "Missing longer than a number of hours"
    YOUNG = "YOUNG", "A child under an age"
    ADULT_OF_CONCERN = "ADULT_OF_CONCERN", "Found with an adult of concern"


class TriggerRule(models.Model):
    """A rule that brings a child to the missing panel. The hub sets them (data, not code)."""

    kind = models.CharField(max_length=20, choices=TriggerKind.choices, unique=True)
    threshold = models.PositiveIntegerField(
        null=True, blank=True, help_text="episodes, hours or years, by kind"
    )
    days = models.PositiveIntegerField(null=True, blank=True, help_text="the window for repeat episodes")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.describe()

    def describe(self) -> str:
        if self.kind == TriggerKind.REPEAT:
            return f"{self.threshold} or more missing episodes in {self.days} days"
        if self.kind == TriggerKind.LONG:
            return f"Missing for more than {self.threshold} hours"
        if self.kind == TriggerKind.YOUNG:
            return f"A child under {self.threshold}"
        return str(self.get_kind_display())


class MissingFlagQuerySet(models.QuerySet["MissingFlag"]):
    def open(self) -> "MissingFlagQuerySet":
        return self.filter(resolved_at__isnull=True)


class MissingFlag(models.Model):
    """A child brought to the missing panel by a trigger, until the panel decides."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="missing_flags")
    rule = models.ForeignKey(TriggerRule, on_delete=models.PROTECT, related_name="flags")
    episode = models.ForeignKey(MissingEpisode, on_delete=models.PROTECT, related_name="flags")
    reason = models.CharField(max_length=SHORT_TEXT_MAX)
    raised_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    decision = models.ForeignKey(
        "PanelDecision", null=True, blank=True, on_delete=models.PROTECT, related_name="flags"
    )

    objects = MissingFlagQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "rule"],
                condition=Q(resolved_at__isnull=True),
                name="one_open_flag_per_rule",
            )
        ]

    def __str__(self) -> str:
        return self.reason


class PanelDecision(models.Model):
    """What the missing panel decided for a child, and the actions agreed."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="panel_decisions")
    decision = long_text()
    actions = long_text(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"Panel decision of {self.decided_at:%Y-%m-%d}"


class EntryKind(models.TextChoices):
    PLACE = "PLACE", "Place"
    PERSON = "PERSON", "Person named"
    VEHICLE = "VEHICLE", "Vehicle"
    PHONE = "PHONE", "Phone number or account"


def normalise(value: str, kind: str = "") -> str:
    """The form two mentions of one place, person, vehicle or phone share (for patterns):
    lower case, punctuation dropped; phone numbers and registrations without spaces."""
    kept = "".join(c for c in value.lower() if c.isalnum() or c.isspace())
    if kind in ("PHONE", "VEHICLE"):
        return (
            "".join(kept.split())
            if kind == "PHONE" or any(c.isdigit() for c in kept)
            else " ".join(kept.split())
        )
    return " ".join(kept.split())


class InterviewEntry(models.Model):
    """A place, person, vehicle or phone the child told the interviewer about, kept as a
    structured entry so patterns across children (the same flat, the same car) show."""

    interview = models.ForeignKey(ReturnInterview, on_delete=models.PROTECT, related_name="entries")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=EntryKind.choices)
    value = models.CharField(max_length=200)
    key = models.CharField(max_length=200, db_index=True)
    detail = models.CharField(max_length=SHORT_TEXT_MAX, blank=True)

    class Meta:
        ordering = ["kind", "value"]
        indexes = [models.Index(fields=["kind", "key"], name="interview_entry_key")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"


class HeldReportQuerySet(models.QuerySet["HeldReport"]):
    def waiting(self) -> "HeldReportQuerySet":
        return self.filter(resolved_at__isnull=True)


class HeldReport(models.Model):
    """A police report about a child CSHub could not match for certain: held (nothing is
    dropped) until a worker picks the child from the likely matches or creates a record."""

    police_reference = models.CharField(max_length=40, unique=True)
    forename = models.CharField(max_length=NAME_MAX)
    surname = models.CharField(max_length=NAME_MAX)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    report = models.JSONField(help_text="the report's fields, as sent")
    received_at = models.DateTimeField(default=timezone.now)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    episode = models.ForeignKey(
        MissingEpisode, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = HeldReportQuerySet.as_manager()

    class Meta:
        ordering = ["received_at", "id"]

    def __str__(self) -> str:
        return f"Held police report {self.police_reference}"

    @property
    def reported_at(self) -> dt.datetime | None:
        value = self.report.get("reported_at")
        return dt.datetime.fromisoformat(value) if value else None
