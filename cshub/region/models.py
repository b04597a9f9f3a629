"""The instances of a region that this instance knows (`Peer`), and every message it sent or
received (`Message`: the outbox and the inbox), with the nonces already seen (`SeenNonce`:
a replayed message is refused). docs/region.md."""

import uuid

from django.db import models
from django.utils import timezone

from cshub.core.limits import long_text


class PeerRole(models.TextChoices):
    HUB = "hub", "Hub"
    REGION = "region", "Region"


class Peer(models.Model):
    """Another CSHub instance of the region: a hub, or the regional CSHub. Registered by a
    system administrator (`cshub region register`), with its public key (Ed25519, PEM)."""

    hub_id = models.CharField(max_length=40, unique=True)  # as CSHUB_HUB_ID on that instance
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=8, choices=PeerRole.choices, default=PeerRole.HUB)
    url = models.URLField(max_length=300)  # its base URL: https://… (http only on loopback)
    public_key = long_text()  # PEM, SubjectPublicKeyInfo
    # The key it signed with before its last rotation, accepted until `previous_key_until`.
    previous_key = long_text(blank=True)
    previous_key_until = models.DateTimeField(null=True, blank=True)
    # Postcode districts ("M8", "BL9") this hub covers: where a missing child was found, a
    # place's postcode, tells which hub's area it is (cross-border alerts).
    districts = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)
    registered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Direction(models.TextChoices):
    OUT = "out", "Sent"
    IN = "in", "Received"


class MessageStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"  # outbox: not yet accepted by the peer
    FAILED = "failed", "Failed: will be retried"  # outbox: the peer could not be reached
    ACCEPTED = "accepted", "Accepted"  # sent and accepted / received and applied
    REFUSED = "refused", "Refused"  # refused with a reason: nothing applied


class Message(models.Model):
    """One signed message, on the side that sent it (OUT) or received it (IN). The body is the
    message's JSON payload: linkage encodings, a match, an alert, a return or a sharing
    request or reply. Never a child's name in a message to or from the region."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    direction = models.CharField(max_length=3, choices=Direction.choices)
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="messages")
    kind = models.CharField(max_length=40)  # e.g. "linkage.encodings" (docs/region.md)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    error = long_text(blank=True)  # why it failed or was refused
    reply = models.JSONField(null=True, blank=True)  # what the peer answered
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        "access.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Inbox: the id the sender gave the message (its outbox row's id; the body's `id`). A
    # message sent again after a lost answer is the same message: answered as the first time.
    remote_id = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["direction", "status", "next_attempt_at"], name="region_msg_queue")]
        constraints = [
            models.UniqueConstraint(
                fields=["peer", "remote_id"], condition=models.Q(direction="in"), name="region_inbox_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.kind} ({self.peer})"


class SeenNonce(models.Model):
    """A nonce a peer has used: the same (peer, nonce) again is a replay, refused."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=64)
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["peer", "nonce"], name="region_nonce_once")]
        indexes = [models.Index(fields=["seen_at"], name="region_nonce_seen_at")]

    def __str__(self) -> str:
        return f"{self.nonce} ({self.peer_id})"
