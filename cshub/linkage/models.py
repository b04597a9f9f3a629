"""Linkage keys (docs/region.md, "Linkage").

On a hub: `LinkageRef` is the opaque id the hub sends with a record's encoding: random,
stable, meaningless outside the hub (never a database id, never derived from identifiers).
Part B adds the region's side (the encodings received, the matches found) and what it needs."""

import secrets

from django.db import models
from django.utils import timezone

from cshub.intelligence.models import Subject
from cshub.people.models import Person


def new_ref() -> str:
    return secrets.token_hex(16)


class RecordKind(models.TextChoices):
    CHILD = "child", "Child"
    ADULT = "adult", "Adult of concern"


class LinkageRef(models.Model):
    """One hub record the hub encodes: a child (`person`) or an adult of concern (`subject`,
    an intelligence subject of kind ADULT)."""

    ref = models.CharField(max_length=32, unique=True, default=new_ref)
    kind = models.CharField(max_length=5, choices=RecordKind.choices)
    person = models.OneToOneField(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="linkage_ref"
    )
    subject = models.OneToOneField(
        Subject, null=True, blank=True, on_delete=models.CASCADE, related_name="linkage_ref"
    )
    # A digest of the encoding last sent (sent again only when it changes) and when.
    sent_digest = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False, subject__isnull=True)
                | models.Q(person__isnull=True, subject__isnull=False),
                name="linkage_ref_one_record",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.ref}"


# On the region ---------------------------------------------------------------------------
# What the hubs sent and what the region found: opaque refs, Bloom filters, keyed blocking
# keys, scores and hub ids. Never a name, a date of birth or a postcode (the region has not
# the linkage secret: it cannot tell what a filter or a blocking key was made of).


class RegionEncoding(models.Model):
    """The latest encoding a hub sent of one of its records (replaced when sent again)."""

    hub = models.ForeignKey("region.Peer", on_delete=models.CASCADE, related_name="+")
    ref = models.CharField(max_length=32)
    kind = models.CharField(max_length=5, choices=RecordKind.choices)
    schema = models.PositiveSmallIntegerField(default=1)
    clk = models.BinaryField()  # the Bloom filter's bytes
    blocks = models.JSONField(default=list)  # keyed blocking keys, hex
    full_set = models.CharField(max_length=32, blank=True)  # the last full set it came in
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hub", "ref"], name="linkage_encoding_once")]

    def __str__(self) -> str:
        return f"{self.hub_id}:{self.ref}"


class FullSet(models.Model):
    """A hub's full set of encodings, sent in parts: when every part has arrived, the hub's
    encodings not in it are withdrawn."""

    hub = models.ForeignKey("region.Peer", on_delete=models.CASCADE, related_name="+")
    set_id = models.CharField(max_length=32)
    parts = models.PositiveIntegerField()
    received = models.JSONField(default=list)  # the part numbers received
    complete_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hub", "set_id"], name="linkage_full_set_once")]

    def __str__(self) -> str:
        return f"Full set {self.set_id}"


class RegionMatchStatus(models.TextChoices):
    ACTIVE = "active", "Matched"
    WITHDRAWN = "withdrawn", "Withdrawn: the encodings no longer match"


class SideDecision(models.TextChoices):
    PENDING = "pending", "To decide"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"


def new_match_id() -> str:
    return secrets.token_hex(16)


class RegionMatch(models.Model):
    """Two records of two hubs the region found to match (both hubs are told)."""

    match_id = models.CharField(max_length=32, unique=True, default=new_match_id)
    kind = models.CharField(max_length=5, choices=RecordKind.choices)
    hub_a = models.ForeignKey("region.Peer", on_delete=models.PROTECT, related_name="+")
    ref_a = models.CharField(max_length=32)
    hub_b = models.ForeignKey("region.Peer", on_delete=models.PROTECT, related_name="+")
    ref_b = models.CharField(max_length=32)
    score = models.DecimalField(max_digits=4, decimal_places=3)
    status = models.CharField(
        max_length=10, choices=RegionMatchStatus.choices, default=RegionMatchStatus.ACTIVE
    )
    decision_a = models.CharField(max_length=10, choices=SideDecision.choices, default=SideDecision.PENDING)
    decision_b = models.CharField(max_length=10, choices=SideDecision.choices, default=SideDecision.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status"], name="linkage_match_status")]

    def __str__(self) -> str:
        return f"Match {self.match_id}"


class MatchingState(models.Model):
    """One row: whether encodings arrived since matching last ran, and what it found."""

    needs_run = models.BooleanField(default=False)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_stats = models.JSONField(default=dict, blank=True)  # counts only

    def __str__(self) -> str:
        return "Matching state"
