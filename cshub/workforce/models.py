"""The hub's workforce (docs/workforce.md): teams, and training against a training needs
analysis held as data.

- `Team` and `Membership`: which team each member of staff is in (one at a time). The
  compliance dashboard counts an episode in its allocated worker's team.
- `Course`: a course, how long it stays valid (`valid_months`; null: it does not expire).
- `CourseRequirement`: the training needs analysis: a course that holders of a role (and/or
  members of an agency) need. Blank role = every role; blank agency = every agency.
- `TrainingRecord`: a course someone completed, when, with whom, and when it expires.
  A record entered in error is withdrawn (who, when, why), never deleted."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from cshub.access.permissions import RoleCode
from cshub.core.codes import Agency
from cshub.core.limits import long_text


class Team(models.Model):
    name = models.CharField(max_length=100, unique=True)
    agency = models.CharField(max_length=32, choices=Agency.choices, default=Agency.SOCIAL_CARE)
    description = long_text(blank=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="teams_managed",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A member of staff's team (one team at a time)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="memberships")
    since = models.DateField(default=timezone.localdate)

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


class Course(models.Model):
    name = models.CharField(max_length=200, unique=True)
    description = long_text(blank=True)
    provider = models.CharField("Usual provider", max_length=200, blank=True)
    valid_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="How long it stays up to date; blank: it does not expire."
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CourseRequirement(models.Model):
    """The training needs analysis: holders of `role` in `agency` need `course`."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="requirements")
    role = models.CharField(max_length=32, choices=RoleCode.choices, blank=True)
    agency = models.CharField(max_length=32, choices=Agency.choices, blank=True)
    reason = long_text(blank=True)

    class Meta:
        ordering = ["course__name", "role", "agency"]
        constraints = [
            models.UniqueConstraint(fields=["course", "role", "agency"], name="one_course_requirement"),
        ]

    def __str__(self) -> str:
        return f"{self.course}: {self.role or 'every role'} / {self.agency or 'every agency'}"


class TrainingRecordQuerySet(models.QuerySet["TrainingRecord"]):
    def current(self) -> "TrainingRecordQuerySet":
        """Not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)


class TrainingRecord(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_records"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="records")
    completed_on = models.DateField()
    provider = models.CharField(max_length=200, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    note = long_text(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_reason = long_text(blank=True)

    objects = TrainingRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-completed_on", "-id"]
        indexes = [models.Index(fields=["user", "course"], name="training_record_user_course")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True)
                | models.Q(expires_on__gt=models.F("completed_on")),
                name="training_expires_after_completion",
            )
        ]

    def __str__(self) -> str:
        return f"{self.course} on {self.completed_on}"
