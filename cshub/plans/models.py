"""The child's plan (per episode, versioned, with actions, contingency and reviews), the safety
plan written with the child, and the trigger plan for when the child goes missing. Every
change is a new version; the latest is the plan."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from cshub.casework.models import Episode
from cshub.core.limits import long_text
from cshub.people.models import Person
from cshub.tasks.models import Task


class ChildPlan(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="plans")
    version = models.PositiveIntegerField()
    needs = long_text("What needs to change")
    outcomes = long_text("Outcomes sought")
    contingency = long_text("Contingency: if this happens, we will …")
    shared_with = models.CharField("Shared with (locality team)", max_length=200, blank=True)
    tasks = models.ManyToManyField(Task, related_name="+", blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["episode", "version"], name="one_plan_version")]

    def __str__(self) -> str:
        return f"Child's plan, version {self.version}"


class PlanReview(models.Model):
    plan = models.ForeignKey(ChildPlan, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField()
    progress = long_text("Overall progress")
    action_progress = models.JSONField(default=dict, help_text="task id → progress")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"Plan review of {self.reviewed_on:%d/%m/%Y}"


class SafetyPlan(models.Model):
    """Written with the child, in their words: printable for them to keep."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="safety_plans")
    version = models.PositiveIntegerField()
    safe_people = long_text("People I can talk to and trust")
    safe_places = long_text("Places where I feel safe")
    i_will = long_text("What I will do if I feel unsafe")
    others_will = long_text("What other people will do to help me")
    made_with_child = models.BooleanField("Written with the child", default=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["person", "version"], name="one_safety_plan_version")]

    def __str__(self) -> str:
        return f"Safety plan, version {self.version}"


class TriggerPlan(models.Model):
    """What carers and police do when this child goes missing: shareable with both."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="trigger_plans")
    version = models.PositiveIntegerField()
    known_locations = long_text("Places the child may be")
    people_of_concern = long_text("People the child may be with", blank=True)
    carers_do = long_text("What carers do, and when")
    police_do = long_text("What the police do")
    who_to_call = long_text("Who to call")
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["person", "version"], name="one_trigger_plan_version")]

    def __str__(self) -> str:
        return f"Trigger plan, version {self.version}"
