"""Meetings (the daily risk meeting and the hub's panels), their agenda, attendance, what
each agency shared, the decision on each item and the actions agreed.

A meeting's type is data (MeetingType, seeded by a migration): its cadence and which
agenda sources it draws on. Actions agreed become `tasks.Task` rows when the meeting
closes; until then they are drafts (AgreedAction) that the chair can still change."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cshub.access.models import User
from cshub.core.codes import Agency
from cshub.core.dates import LONDON
from cshub.core.limits import long_text
from cshub.people.models import Person


class Cadence(models.TextChoices):
    DAILY = "DAILY", "Every working day"
    WEEKLY = "WEEKLY", "Weekly"
    FORTNIGHTLY = "FORTNIGHTLY", "Fortnightly"
    MONTHLY = "MONTHLY", "Monthly"
    AS_NEEDED = "AS_NEEDED", "When needed"


class SourceKind(models.TextChoices):
    """Where an agenda item came from. The first group is built automatically (which of
    them a meeting uses is its type's `sources`); the last group is added by hand."""

    REFERRAL = "REFERRAL", "New referral"
    MISSING_REPORTED = "MISSING_REPORTED", "Reported missing"
    MISSING_RETURNED = "MISSING_RETURNED", "Returned from missing"
    INTERVIEW_OVERDUE = "INTERVIEW_OVERDUE", "Return interview overdue"
    ASSESSMENT_OVERDUE = "ASSESSMENT_OVERDUE", "Review overdue"
    FLAGGED = "FLAGGED", "Brought by a worker"
    MISSING_TRIGGER = "MISSING_TRIGGER", "Missing trigger"
    OVERDUE_ACTION = "OVERDUE_ACTION", "Overdue action"
    OPEN_CHILD = "OPEN_CHILD", "Open to the hub"
    FOR_ALLOCATION = "FOR_ALLOCATION", "Waiting for allocation"
    HIGH_RISK = "HIGH_RISK", "Assessed as high risk"
    AREA_REGISTER = "AREA_REGISTER", "From the whole-area register"
    CUSTODY = "CUSTODY", "Custody"
    NEW_CRIME = "NEW_CRIME", "New crime or investigation"
    INTELLIGENCE = "INTELLIGENCE", "Intelligence"
    OTHER = "OTHER", "Other"


AUTOMATIC_SOURCES = [
    SourceKind.REFERRAL,
    SourceKind.MISSING_REPORTED,
    SourceKind.MISSING_RETURNED,
    SourceKind.INTERVIEW_OVERDUE,
    SourceKind.ASSESSMENT_OVERDUE,
    SourceKind.FLAGGED,
    SourceKind.MISSING_TRIGGER,
    SourceKind.OVERDUE_ACTION,
    SourceKind.OPEN_CHILD,
    SourceKind.FOR_ALLOCATION,
    SourceKind.HIGH_RISK,
    SourceKind.AREA_REGISTER,
]
BY_HAND = [SourceKind.CUSTODY, SourceKind.NEW_CRIME, SourceKind.INTELLIGENCE, SourceKind.OTHER]


class MeetingType(models.Model):
    """A kind of meeting: its cadence and the agenda rules (which sources it draws on)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    cadence = models.CharField(max_length=12, choices=Cadence.choices)
    sources = models.JSONField(default=list, blank=True, help_text="SourceKind values, in agenda order")
    start_time = models.TimeField(default=dt.time(9, 30), help_text="UK time; the 24-hour window ends here")
    one_per_day = models.BooleanField(default=False)
    repeat_after_days = models.PositiveSmallIntegerField(
        default=0,
        help_text="standing items (overdue interviews, assessments, actions) come back only after this "
        "many days; 0: every meeting",
    )
    description = long_text(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    PLANNED = "PLANNED", "Planned"
    IN_PROGRESS = "IN_PROGRESS", "In progress"
    CLOSED = "CLOSED", "Closed"


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def upcoming(self, today: dt.date) -> "MeetingQuerySet":
        return self.filter(date__gt=today).order_by("date", "id")

    def on(self, day: dt.date) -> "MeetingQuerySet":
        return self.filter(date=day).order_by("meeting_type__order", "id")

    def past(self, today: dt.date) -> "MeetingQuerySet":
        return self.filter(date__lt=today).order_by("-date", "-id")


class Meeting(models.Model):
    meeting_type = models.ForeignKey(MeetingType, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField(db_index=True)
    one_per_day = models.BooleanField(default=False, editable=False)
    title = models.CharField(max_length=200, blank=True, help_text="for strategy discussions and operations")
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting_type", "date"], condition=Q(one_per_day=True), name="one_daily_meeting_a_day"
            )
        ]

    def __str__(self) -> str:
        return self.title or self.meeting_type.name

    @property
    def name(self) -> str:
        return f"{self.meeting_type.name}{': ' + self.title if self.title else ''}"

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED

    def scheduled_start(self) -> dt.datetime:
        return dt.datetime.combine(self.date, self.meeting_type.start_time, tzinfo=LONDON)


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    agency = models.CharField(max_length=32, choices=Agency.choices)
    name = models.CharField(max_length=120)
    present = models.BooleanField(default=True, help_text="False: sent apologies")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-present", "agency", "name", "id"]

    def __str__(self) -> str:
        return self.name


class AgendaItemQuerySet(models.QuerySet["AgendaItem"]):
    def current(self) -> "AgendaItemQuerySet":
        return self.filter(removed_at__isnull=True)


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveIntegerField()
    source_kind = models.CharField(max_length=20, choices=SourceKind.choices)
    source_key = models.CharField(
        max_length=60,
        blank=True,
        help_text="the source object ('referral:12'); empty for items added by hand",
    )
    title = models.CharField(max_length=200)
    reason = long_text(blank=True)
    # Every automatic source the item stands for ({"kind", "key", "title", "reason"}), the
    # lead one first (`source_kind`, `source_key`): the agenda groups everything about one
    # child into one item (`meetings.agenda.by_child`). Empty: the item's own source only.
    sources = models.JSONField(default=list, blank=True)
    children = models.ManyToManyField(Person, related_name="agenda_items", blank=True)
    discussion = long_text(blank=True)
    decision = long_text(blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "source_kind", "source_key"],
                condition=~Q(source_key=""),
                name="one_agenda_item_per_source",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def anchor(self) -> str:
        return f"item-{self.pk}"


class LawfulBasis(models.TextChoices):
    SAFEGUARDING = "SAFEGUARDING", "Shared under safeguarding (no consent needed)"
    CONSENT = "CONSENT", "Consent obtained"
    POLICE_ONLY = "POLICE_ONLY", "Police only: not for onward disclosure"


def sees_police_only(user: User) -> bool:
    return user.sees_police_only()


class SharedInformationQuerySet(models.QuerySet["SharedInformation"]):
    def for_reader(self, user: User) -> "SharedInformationQuerySet":
        return self if sees_police_only(user) else self.restricted()

    def restricted(self) -> "SharedInformationQuerySet":
        """What may circulate beyond the hub: no police-only information."""
        return self.exclude(lawful_basis=LawfulBasis.POLICE_ONLY)


class SharedInformation(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="shared")
    agency = models.CharField(max_length=32, choices=Agency.choices)
    text = long_text()
    lawful_basis = models.CharField(max_length=16, choices=LawfulBasis.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = SharedInformationQuerySet.as_manager()

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name_plural = "shared information"

    def __str__(self) -> str:
        return f"{self.get_agency_display()}: {self.text[:40]}"

    @property
    def police_only(self) -> bool:
        return self.lawful_basis == LawfulBasis.POLICE_ONLY


class AgreedAction(models.Model):
    """An action agreed on an item. Becomes a tasks.Task (on each child's timeline and in
    the owner's open actions) when the meeting closes."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="actions")
    description = long_text("What")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_name = models.CharField(max_length=120, blank=True)
    owner_agency = models.CharField(max_length=32, choices=Agency.choices)
    due_date = models.DateField()
    task = models.OneToOneField(
        "tasks.Task", null=True, blank=True, on_delete=models.PROTECT, related_name="meeting_action"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def owner_display(self) -> str:
        return self.owner.get_full_name() if self.owner else self.owner_name


class MeetingFlagQuerySet(models.QuerySet["MeetingFlag"]):
    def open(self) -> "MeetingFlagQuerySet":
        return self.filter(consumed_at__isnull=True)


class MeetingFlag(models.Model):
    """A child a worker brings to the next daily meeting, with why. Consumed by the
    meeting that discusses the child."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="meeting_flags")
    reason = long_text()
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(default=timezone.now)
    consumed_at = models.DateTimeField(null=True, blank=True)
    consumed_by = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.PROTECT, related_name="consumed_flags"
    )

    objects = MeetingFlagQuerySet.as_manager()

    class Meta:
        ordering = ["raised_at", "id"]

    def __str__(self) -> str:
        return self.reason[:60]
