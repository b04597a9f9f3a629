"""One list of actions ("who does what by when") across meetings, plans and supervision.

The model is called Task so that it never reads like the apps' `actions.py` write paths;
the pages call them actions, as hubs do."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from cshub.access.models import User
from cshub.core.codes import Agency
from cshub.core.limits import long_text
from cshub.people.models import Person, visible_q


class Source(models.TextChoices):
    MEETING = "MEETING", "Meeting"
    PLAN = "PLAN", "Child's plan"
    SUPERVISION = "SUPERVISION", "Supervision"
    PANEL = "PANEL", "Missing panel"
    AUDIT = "AUDIT", "Case audit"
    OTHER = "OTHER", "Other"


class Status(models.TextChoices):
    OPEN = "OPEN", "Open"
    DONE = "DONE", "Completed"
    CANCELLED = "CANCELLED", "No longer needed"


class TaskQuerySet(models.QuerySet["Task"]):
    def open(self) -> "TaskQuerySet":
        return self.filter(status=Status.OPEN)

    def overdue(self, today: dt.date | None = None) -> "TaskQuerySet":
        return self.open().filter(due_date__lt=today or timezone.localdate())

    def visible_to(self, user: User) -> "TaskQuerySet":
        """Actions about children the user may see (an action about several children only when
        every one of them is; owners are checked when the action is agreed)."""
        hidden = Task.people.through.objects.filter(task=OuterRef("pk")).exclude(visible_q(user))
        return self.filter(~Exists(hidden))


class Task(models.Model):
    description = long_text("What")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    owner_name = models.CharField("Who (not a CSHub user)", max_length=120, blank=True)
    owner_agency = models.CharField("Agency", max_length=32, choices=Agency.choices)
    due_date = models.DateField("Due by")
    people = models.ManyToManyField(Person, related_name="tasks", blank=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.OTHER)
    source_label = models.CharField(max_length=200, blank=True)
    link = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    completion_note = long_text(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["status", "due_date"], name="task_open_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner__isnull=False) | ~Q(owner_name=""), name="task_has_an_owner"
            )
        ]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def owner_display(self) -> str:
        return self.owner.get_full_name() if self.owner else self.owner_name

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.status == Status.OPEN and self.due_date < (today or timezone.localdate())
