"""Cross-border alerts and the regional picture (docs/region.md, "Alerts and the regional
picture").

On a hub: `RaisedAlert` (an alert this hub raised, once per missing episode or place, so a
scan never raises it twice) and `CrossBorderAlert` (an alert the region relayed to us).
On the region: `AlertFlow` (counts only: type, from hub, to hub, quarter), `RelayedAlert`
(the opaque ids of alerts already relayed: a resent one is not relayed twice),
`AdultMatchAlert` (region matches of adults already alerted), `ReceivedReturn` and its
`ReturnRow`s (each hub's quarterly return: figures, no personal data)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class AlertType(models.TextChoices):
    MISSING_FOUND = "missing_found", "Child missing from one area, found in another"
    ADULT_TWO_HUBS = "adult_two_hubs", "Adult of concern known to two hubs"
    PLACE_BORDER = "place_border", "Place linked to several children, in another hub's area"


# ---- On a hub ----


class RaisedAlert(models.Model):
    """An alert this hub raised to the region: `source` says what it was about, on this hub
    only ("missing:<episode id>", "place:<subject id>:<quarter>"), so the scan raises it once."""

    alert = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(max_length=20, choices=AlertType.choices)
    source = models.CharField(max_length=40)
    to = models.JSONField(default=list)  # hub ids
    when = models.DateField()
    raised_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-raised_at"]
        constraints = [models.UniqueConstraint(fields=["type", "source"], name="regional_raised_once")]

    def __str__(self) -> str:
        return f"{self.get_type_display()} ({self.when})"


class CrossBorderAlert(models.Model):
    """An alert the region relayed to this hub: another hub's, in words built from fixed parts
    (no name, date of birth or postcode), to acknowledge."""

    alert = models.UUIDField(unique=True)
    type = models.CharField(max_length=20, choices=AlertType.choices)
    from_hub = models.CharField(max_length=64)  # the hub that raised it (its id)
    when = models.DateField()
    text = models.CharField(max_length=500)
    received_at = models.DateTimeField(default=timezone.now)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["acknowledged_at"], name="regional_alert_open")]

    def __str__(self) -> str:
        return f"{self.get_type_display()} ({self.when})"


# ---- On the region ----


class AlertFlow(models.Model):
    """How many alerts of one type went from one hub to another in a quarter: all the region
    keeps of an alert once relayed (no text)."""

    type = models.CharField(max_length=20, choices=AlertType.choices)
    from_hub = models.CharField(max_length=64)
    to_hub = models.CharField(max_length=64)
    quarter = models.CharField(max_length=7)  # "2025-Q3"
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["quarter", "type", "from_hub", "to_hub"]
        constraints = [
            models.UniqueConstraint(
                fields=["type", "from_hub", "to_hub", "quarter"], name="regional_flow_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.from_hub} to {self.to_hub} {self.quarter}: {self.count}"


class RelayedAlert(models.Model):
    """An alert's opaque id, once relayed: the same alert sent again is not relayed again."""

    alert = models.UUIDField(primary_key=True)
    relayed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return str(self.alert)


class AdultMatchAlert(models.Model):
    """A region match of an adult of concern already alerted to both hubs."""

    match = models.CharField(max_length=64, unique=True)
    alerted_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.match


class ReceivedReturn(models.Model):
    """A hub's quarterly return as the region received it (checked: docs/regional-return.md)."""

    peer = models.ForeignKey("region.Peer", on_delete=models.PROTECT, related_name="+")
    quarter = models.CharField(max_length=7)  # "2025-Q3"
    received_at = models.DateTimeField(default=timezone.now)
    replaced_at = models.DateTimeField(null=True, blank=True)  # the last time it was replaced
    message = models.UUIDField(null=True, blank=True)  # the inbox message it came in

    class Meta:
        ordering = ["quarter", "peer__name"]
        constraints = [models.UniqueConstraint(fields=["peer", "quarter"], name="regional_return_once")]

    def __str__(self) -> str:
        return f"{self.peer} {self.quarter}"


class ReturnRow(models.Model):
    """One measure of a received return: true values (suppressed only when shown)."""

    received = models.ForeignKey(ReceivedReturn, on_delete=models.CASCADE, related_name="rows")
    measure = models.CharField(max_length=120)
    kind = models.CharField(max_length=8)  # count / percent
    numerator = models.BigIntegerField()
    denominator = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["received", "measure"], name="regional_row_once")]

    def __str__(self) -> str:
        return self.measure
