"""On a hub: what the region told it (docs/region.md, "Matches"): a record it holds appears
to match one held by another hub. Part C adds the sharing requests and what they need."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from cshub.core.limits import long_text
from cshub.linkage.models import LinkageRef
from cshub.region.models import Peer


class MatchStatus(models.TextChoices):
    PENDING = "pending", "To decide"
    CONFIRMED = "confirmed", "Confirmed: the same person"
    REJECTED = "rejected", "Rejected: not the same person"
    WITHDRAWN = "withdrawn", "Withdrawn by the region"  # the encodings no longer match


class CrossBorderMatch(models.Model):
    """One match the region found between a record of this hub (`ours`) and one of another
    hub (`their_hub`, known to us only by its opaque `their_ref`)."""

    region_match_id = models.CharField(max_length=64, unique=True)  # the region's id of the match
    ours = models.ForeignKey(LinkageRef, on_delete=models.CASCADE, related_name="matches")
    their_hub = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="+")
    their_ref = models.CharField(max_length=32)
    score = models.DecimalField(max_digits=4, decimal_places=3)  # 0.000 to 1.000
    status = models.CharField(max_length=10, choices=MatchStatus.choices, default=MatchStatus.PENDING)
    told_at = models.DateTimeField(default=timezone.now)  # when the region told us (last)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = long_text(blank=True)

    class Meta:
        ordering = ["-told_at"]

    def __str__(self) -> str:
        return f"Match with {self.their_hub} ({self.score})"


class LawfulBasis(models.TextChoices):
    """Why a hub may share: the basis a manager states when asking (docs/region.md, "Sharing")."""

    CA1989_S47 = (
        "ca1989_s47",
        "Children Act 1989, section 47: enquiries about a child suffering, or likely to suffer, significant harm",
    )
    CA1989_S17 = "ca1989_s17", "Children Act 1989, section 17: services for a child in need"
    CA2004_S11 = (
        "ca2004_s11",
        "Children Act 2004, section 11: the duty to safeguard and promote children's welfare",
    )
    CDA1998_S115 = (
        "cda1998_s115",
        "Crime and Disorder Act 1998, section 115: sharing to prevent crime and disorder",
    )
    GDPR_SAFEGUARDING = (
        "ukgdpr_6_1_e_dpa_sch1_18",
        "UK GDPR Article 6(1)(e) public task, with Data Protection Act 2018 Schedule 1 paragraph 18: "
        "safeguarding children and individuals at risk",
    )


class RequestDirection(models.TextChoices):
    SENT = "sent", "Sent by this hub"
    RECEIVED = "received", "Received from another hub"


class RequestStatus(models.TextChoices):
    REQUESTED = "requested", "Waiting for a decision"
    APPROVED = "approved", "Approved: summary shared"
    DECLINED = "declined", "Declined"


PURPOSE_MIN_LENGTH = 20  # characters: a purpose says why, not just "safeguarding"
PURPOSE_MAX_LENGTH = 2000


class InfoRequest(models.Model):
    """A request for information about a confirmed match, on the hub that asked (SENT) or the
    hub that holds the record (RECEIVED): the same uuid on both sides."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    match = models.ForeignKey(CrossBorderMatch, on_delete=models.CASCADE, related_name="requests")
    direction = models.CharField(max_length=8, choices=RequestDirection.choices)
    purpose = long_text()
    lawful_basis = models.CharField(max_length=40, choices=LawfulBasis.choices)
    # Who asked: the user on the asking hub; their name, role and agency as told on both sides.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_by_name = models.CharField(max_length=200)
    requested_by_role = models.CharField(max_length=200, blank=True)
    requested_by_agency = models.CharField(max_length=200, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.REQUESTED)
    # Who decided: the user on the holding hub; their name as told to the asking hub.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by_name = models.CharField(max_length=200, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = long_text(blank=True)
    # The agreed summary: what was sent (RECEIVED side) or received (SENT side), by field key.
    summary = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"Information request {self.id}"


class SummaryRead(models.Model):
    """One reading of a received summary: who read it and when (shown on the request's page)."""

    request = models.ForeignKey(InfoRequest, on_delete=models.CASCADE, related_name="reads")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-read_at"]

    def __str__(self) -> str:
        return f"Read {self.read_at:%Y-%m-%d %H:%M}"
