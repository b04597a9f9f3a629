"""The child's plan (per episode, versioned, with actions, contingency and reviews), the safety
plan written with the child, and the trigger plan for when the child goes missing. Every
change is a new version; the latest is the plan."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from cshub.casework.models import Episode
from cshub.core.limits import LONG_TEXT_MAX, LONG_TEXT_VALIDATOR
from cshub.people.models import Person
from cshub.tasks.models import Task


class ChildPlan(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="plans")
    version = models.PositiveIntegerField()
    needs = models.TextField(
        "What needs to change", max_length=LONG_TEXT_MAX, validators=[LONG_TEXT_VALIDATOR]
    )
    outcomes = models.TextField("Outcomes sought", max_length=LONG_TEXT_MAX, validators=[LONG_TEXT_VALIDATOR])
    contingency = models.TextField(
        "Contingency: if this happens, we will …", max_length=LONG_TEXT_MAX, validators=[LONG_TEXT_VALIDATOR]
    )
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
    progress = models.TextField(
        "Overall progress", max_length=LONG_TEXT_MAX, validators=[LONG_TEXT_VALIDATOR]
    )
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
    safe_people = models.TextField(
        "People I can talk to and trust", max_length=LONG_TEXT_MAX, validators=[LONG_TEXT_VALIDATOR]
    )
    safe_places = models.TextField(
        "Places where I feel safe", max_length=LONG_TEXT_MAX, validators=[LONG_TEXT_VALIDATOR]
    )
    i_will = models.TextField(
        "What I will do if I feel unsafe", max_length=LONG_TEXT_MAX, validators=[LONG_TEXT_VALIDATOR]
    )
    others_will = models.TextField(
        "What other people will do to help me", max_length=LONG_TEXT_MAX, validators=[LONG_TEXT_VALIDATOR]
    )
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
    known_locations = models.TextField(
        "Places the child may be", max_length=LONG_TEXT_MAX, validators=[LONG_TEXT_VALIDATOR]
    )
    people_of_concern = models.TextField(
        "People the child may be with", blank=True, max_length=LONG_TEXT_MAX, validators=[LONG_TEXT_VALIDATOR]
    )
    carers_do = models.TextField(
        "What carers do, and when", max_length=LONG_TEXT_MAX, validators=[LONG_TEXT_VALIDATOR]
    )
    police_do = models.TextField(
        "What the police do", max_length=LONG_TEXT_MAX, validators=[LONG_TEXT_VALIDATOR]
    )
    who_to_call = models.TextField("Who to call", max_length=LONG_TEXT_MAX, validators=[LONG_TEXT_VALIDATOR])
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["person", "version"], name="one_trigger_plan_version")]

    def __str__(self) -> str:
        return f"Trigger plan, version {self.version}"
