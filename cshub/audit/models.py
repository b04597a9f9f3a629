from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class Action(models.TextChoices):
    VIEW = "VIEW", "Viewed"
    SEARCH = "SEARCH", "Searched"
    CREATE = "CREATE", "Created"
    UPDATE = "UPDATE", "Changed"
    EXPORT = "EXPORT", "Exported"
    IMPORT = "IMPORT", "Imported"
    BREAK_GLASS = "BREAK_GLASS", "Broke glass"
    ACCESS_DENIED = "ACCESS_DENIED", "Access denied"
    SIGN_IN = "SIGN_IN", "Signed in"
    SIGN_IN_FAILED = "SIGN_IN_FAILED", "Failed sign-in"
    SIGN_OUT = "SIGN_OUT", "Signed out"
    SIGN_OUT_EVERYWHERE = "SIGN_OUT_EVERYWHERE", "Signed out everywhere"
    SECOND_FACTOR_SET_UP = "SECOND_FACTOR_SET_UP", "Set up second factor"
    PASSWORD_CHANGED = "PASSWORD_CHANGED", "Changed password"
    TOKEN_CREATED = "TOKEN_CREATED", "Created API token"
    TOKEN_REVOKED = "TOKEN_REVOKED", "Revoked API token"
    USER_CREATED = "USER_CREATED", "Created user"
    USER_UPDATED = "USER_UPDATED", "Changed user"
    USER_DISABLED = "USER_DISABLED", "Disabled user"
    DISPOSE = "DISPOSE", "Disposed of"
    REDACT = "REDACT", "Redacted"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def for_child(self, child_id: int) -> "AuditEventQuerySet":
        return self.filter(child_id=child_id)

    def views(self) -> "AuditEventQuerySet":
        return self.filter(action__in=[Action.VIEW, Action.BREAK_GLASS, Action.EXPORT])


class AuditEvent(models.Model):
    """Append-only: nothing in CSHub updates or deletes a row (database triggers refuse it)."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_agency = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=32, choices=Action.choices, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    # The child concerned: a plain id (no foreign key), so the trail outlives any record.
    # Indexed with action and time (audit_child_action), as a child's trail is read.
    child_id = models.BigIntegerField(null=True, blank=True)
    request_id = models.CharField(max_length=36, blank=True)
    via = models.CharField(max_length=16, blank=True, help_text="page, api, command or import")
    reason = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["child_id", "action", "-at"], name="audit_child_action")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("audit events are append-only")


class ScrubPermit(models.Model):
    """Lets one audit event's `detail` be rewritten, inside the transaction that writes the
    permit (cshub.audit.scrub): the database triggers refuse any other change to an event,
    and this one too once the permit is gone. Only disposal writes permits."""

    event_id = models.BigIntegerField(unique=True)

    def __str__(self) -> str:
        return f"scrub permit for event {self.event_id}"
