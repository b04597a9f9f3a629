"""On a hub: what the region told it (docs/region.md, "Matches"): a record it holds appears
to match one held by another hub. Part C adds the sharing requests and what they need."""

from django.conf import settings
from django.db import models
from django.utils import timezone

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
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-told_at"]

    def __str__(self) -> str:
        return f"Match with {self.their_hub} ({self.score})"
