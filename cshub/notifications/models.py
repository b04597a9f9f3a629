"""Each person's choice of the emails CSHub sends them (absent: the kind's default)."""

from django.conf import settings
from django.db import models


class EmailKind(models.TextChoices):
    MISSING_REPORTED = "MISSING_REPORTED", "A child on your caseload is reported missing"
    REPORT_HELD = "REPORT_HELD", "A police report is held for a worker to match to a child"
    CLOSURE_RETURNED = "CLOSURE_RETURNED", "A manager returns a closure you recorded"
    ACTION_ASSIGNED = "ACTION_ASSIGNED", "Someone else gives you an action"


class EmailChoice(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_choices")
    kind = models.CharField(max_length=20, choices=EmailKind.choices)
    send = models.BooleanField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_email_choice_per_kind")]

    def __str__(self) -> str:
        return f"{self.kind}: {'on' if self.send else 'off'}"
