"""Disruption: what the hub did about the adults, places, vehicles and groups around
children (orders, notices, licensing reviews, arrests, charges, convictions), and joint
operations for multi-victim or multi-offender cases, with their own access list."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cshub.access.models import User
from cshub.core.codes import Agency
from cshub.core.limits import SHORT_TEXT_MAX, long_text
from cshub.intelligence.models import Subject
from cshub.meetings.models import Meeting
from cshub.people.models import Person
from cshub.tasks.models import Task


class DisruptionType(models.TextChoices):
    CAWN = "CAWN", "Child Abduction Warning Notice"
    SRO = "SRO", "Sexual Risk Order"
    STPO = "STPO", "Slavery and Trafficking Prevention Order"
    STRO = "STRO", "Slavery and Trafficking Risk Order"
    CLOSURE = "CLOSURE", "Closure notice or order"
    LICENSING = "LICENSING", "Licensing review"
    ARREST = "ARREST", "Arrest"
    CHARGE = "CHARGE", "Charge"
    CONVICTION = "CONVICTION", "Conviction"
    INJUNCTION = "INJUNCTION", "Civil injunction"
    OTHER = "OTHER", "Other"


# What has an expiry date (a notice or an order in force for a time).
ORDERS = frozenset(
    {
        DisruptionType.CAWN,
        DisruptionType.SRO,
        DisruptionType.STPO,
        DisruptionType.STRO,
        DisruptionType.CLOSURE,
        DisruptionType.INJUNCTION,
    }
)


class LicensedKind(models.TextChoices):
    HOTEL = "HOTEL", "Hotel"
    TAXI = "TAXI", "Taxi or private hire"
    TAKEAWAY = "TAKEAWAY", "Takeaway"
    SHOP = "SHOP", "Shop or off-licence"
    OTHER = "OTHER", "Other licensed premises"


class Status(models.TextChoices):
    PLANNED = "PLANNED", "Planned"
    DONE = "DONE", "Done"
    BREACHED = "BREACHED", "Breached"
    EXPIRED = "EXPIRED", "Expired"


class Outcome(models.TextChoices):
    NOT_KNOWN = "NOT_KNOWN", "Not known yet"
    SUCCESSFUL = "SUCCESSFUL", "Successful (served, granted, charged or convicted)"
    UNSUCCESSFUL = "UNSUCCESSFUL", "Not successful (refused, no further action or acquitted)"
    WITHDRAWN = "WITHDRAWN", "Withdrawn"


class OperationStatus(models.TextChoices):
    OPEN = "OPEN", "Open"
    CLOSED = "CLOSED", "Closed"


class OperationQuerySet(models.QuerySet["Operation"]):
    def open_to(self, user: User) -> "OperationQuerySet":
        """The operations this user may open: those listing them, and those they opened."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(members=user) | Q(created_by=user)).distinct()


class Operation(models.Model):
    """A named joint operation: its children, subjects, aims, decisions, actions (tasks),
    meetings, status and closure summary. Only its members and whoever opened it may open
    it."""

    name = models.CharField("Name", max_length=120)
    aims = long_text("Aims")
    status = models.CharField(max_length=8, choices=OperationStatus.choices, default=OperationStatus.OPEN)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    closure_summary = long_text("Closure summary", blank=True)
    children = models.ManyToManyField(Person, blank=True, related_name="+")
    subjects = models.ManyToManyField(Subject, blank=True, related_name="+")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = OperationQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="OPEN", closed_on__isnull=True)
                | Q(status="CLOSED", closed_on__isnull=False),
                name="operation_closed_has_a_date",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def open_to(self, user: User) -> bool:
        return user.pk == self.created_by_id or self.members.filter(pk=user.pk).exists()


class Decision(models.Model):
    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="decisions")
    decided_on = models.DateField()
    text = long_text("Decision")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_on", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class OperationTask(models.Model):
    """An action (tasks.Task) agreed for an operation: tasks stays unaware of operations."""

    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="task_links")
    task = models.OneToOneField(Task, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.operation} — {self.task}"


class OperationMeeting(models.Model):
    """A meeting (of type "Joint operation meeting") held for an operation."""

    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="meeting_links")
    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.operation} — {self.meeting}"


class DisruptionQuerySet(models.QuerySet["Disruption"]):
    def visible_to(self, user: User) -> "DisruptionQuerySet":
        """Disruptions outside any operation, and those of operations open to the user."""
        return self.filter(Q(operation__isnull=True) | Q(operation__in=Operation.objects.open_to(user)))

    def orders_in_force(self) -> "DisruptionQuerySet":
        return self.filter(status=Status.DONE, expires_on__isnull=False)


class Disruption(models.Model):
    """An action against a subject, with the children it protects."""

    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="disruptions")
    disruption_type = models.CharField("Type", max_length=12, choices=DisruptionType.choices)
    licensed_kind = models.CharField(max_length=10, choices=LicensedKind.choices, blank=True)
    on = models.DateField("Date")
    agency = models.CharField(max_length=32, choices=Agency.choices)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    officer_name = models.CharField("Officer (not a CSHub user)", max_length=120, blank=True)
    officer_agency = models.CharField(max_length=32, choices=Agency.choices, blank=True)
    children = models.ManyToManyField(Person, blank=True, related_name="disruptions")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PLANNED)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.NOT_KNOWN)
    outcome_detail = models.CharField(max_length=SHORT_TEXT_MAX, blank=True)
    sentence = models.CharField(max_length=SHORT_TEXT_MAX, blank=True)
    expires_on = models.DateField("Ends on", null=True, blank=True)
    operation = models.ForeignKey(
        Operation, null=True, blank=True, on_delete=models.PROTECT, related_name="disruptions"
    )
    notes = long_text("Notes", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = DisruptionQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["on"], name="disruption_on")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("on")),
                name="disruption_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(officer__isnull=False) | ~Q(officer_name=""), name="disruption_has_an_officer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_disruption_type_display()} ({self.on})"

    @property
    def officer_display(self) -> str:
        if self.officer is not None:
            return self.officer.get_full_name() or self.officer.username
        agency = Agency(self.officer_agency).label if self.officer_agency else ""
        return f"{self.officer_name} ({agency})" if agency else self.officer_name

    @property
    def type_display(self) -> str:
        if self.disruption_type == DisruptionType.LICENSING and self.licensed_kind:
            return f"Licensing review ({LicensedKind(self.licensed_kind).label.lower()})"
        return self.get_disruption_type_display()
