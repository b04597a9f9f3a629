"""Case supervision (individual, joint with the locality social worker, reflective, group)
and management oversight entries: findable from the child's page and the worker's record."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q

from cshub.access.models import User
from cshub.casework.models import Episode, EpisodeQuerySet
from cshub.core.limits import SHORT_TEXT_MAX, long_text
from cshub.people.models import Person, visible_q
from cshub.tasks.models import Task


class Kind(models.TextChoices):
    INDIVIDUAL = "INDIVIDUAL", "Individual"
    JOINT = "JOINT", "Joint (hub and locality social worker)"
    REFLECTIVE = "REFLECTIVE", "Reflective"
    GROUP = "GROUP", "Group"


class SupervisionQuerySet(models.QuerySet["Supervision"]):
    def visible_to(self, user: User) -> "SupervisionQuerySet":
        return self.filter(visible_q(user, prefix="episode__person__"))

    def of_worker(self, user: User) -> "SupervisionQuerySet":
        return self.filter(Q(supervisee=user) | Q(supervisor=user))

    def about(self, episode: Episode) -> "SupervisionQuerySet":
        """Sessions about this episode's child: its own, and group sessions that covered it."""
        return self.filter(Q(episode=episode) | Q(group_episodes=episode)).distinct()

    def about_child(self, person: Person) -> "SupervisionQuerySet":
        return self.filter(Q(episode__person=person) | Q(group_episodes__person=person)).distinct()


class Supervision(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="supervisions")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    held_on = models.DateField("Date held", db_index=True)
    supervisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    supervisee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervisions_received"
    )
    # Only a joint session is with the locality social worker.
    locality_worker = models.CharField("Locality social worker", max_length=160, blank=True)
    # A group session is about several children: `episode` is the one it was recorded from,
    # these are the others (each child's timeline and supervision record has it).
    group_episodes = models.ManyToManyField(
        Episode, related_name="group_supervisions", blank=True, verbose_name="Other children discussed"
    )
    others_present = models.CharField("Others present", max_length=SHORT_TEXT_MAX, blank=True)
    discussion = long_text("Discussion")
    reflection = long_text("Reflective analysis", blank=True)
    decisions = long_text("Decisions")
    tasks = models.ManyToManyField(Task, related_name="+", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    source_id = models.CharField(max_length=64, null=True, blank=True, unique=True)  # interchange id

    objects = SupervisionQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="JOINT") | ~Q(locality_worker=""),
                name="joint_supervision_names_locality_worker",
            ),
            models.CheckConstraint(
                condition=Q(kind="JOINT") | Q(locality_worker=""),
                name="only_joint_supervision_names_locality_worker",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} supervision on {self.held_on:%d/%m/%Y}"


class Oversight(models.Model):
    """A manager's decision about a child's case, with the reason."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="oversights")
    decision = long_text()
    reason = long_text()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return self.decision[:60]


def without_supervision(episodes: EpisodeQuerySet, day: dt.date, days: int) -> EpisodeQuerySet:
    """Open episodes with no supervision held in the `days` days up to and including `day`."""
    recent = Supervision.objects.filter(
        Q(episode=OuterRef("pk")) | Q(group_episodes=OuterRef("pk")),
        held_on__gt=day - dt.timedelta(days=days),
        held_on__lte=day,
    )
    return episodes.open_on(day).exclude(Exists(recent))
