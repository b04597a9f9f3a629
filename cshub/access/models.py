import hashlib
import secrets
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac

from cshub.access.permissions import Perm, RoleCode
from cshub.core.codes import Agency
from cshub.core.limits import long_text


class Role(models.Model):
    code = models.CharField(max_length=32, unique=True, choices=RoleCode.choices)
    name = models.CharField(max_length=100)
    description = long_text(blank=True)
    # Given by a system administrator, it takes effect only once a strategic lead approves
    # (team manager, strategic lead, system administrator: seeded by migration 0012).
    needs_approval = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RolePermission(models.Model):
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="permissions")
    permission = models.CharField(max_length=40, choices=Perm.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["role", "permission"], name="unique_role_permission")]

    def __str__(self) -> str:
        return f"{self.role.code}: {self.permission}"


class User(AbstractUser):
    agency = models.CharField(max_length=32, choices=Agency.choices, default=Agency.SOCIAL_CARE)
    job_title = models.CharField(max_length=100, blank=True)
    roles = models.ManyToManyField(Role, blank=True, related_name="users")
    is_demo = models.BooleanField(
        default=False, help_text="Demo account: may skip the second factor while CSHUB_DEMO=1."
    )
    # A professional imported from another system (interchange professional.csv).
    source_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    # Rotating this signs the user out of every session ("sign out everywhere").
    session_key_salt = models.CharField(max_length=64, default=secrets.token_hex)

    class Meta:
        ordering = ["first_name", "last_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_session_auth_hash(self) -> str:
        return salted_hmac(
            "cshub.access.User.session",
            f"{self.password}:{self.session_key_salt}",
            algorithm="sha256",
        ).hexdigest()

    @property
    def permission_codes(self) -> frozenset[str]:
        cached: frozenset[str] | None = getattr(self, "_perm_cache", None)
        if cached is None:
            if not self.is_active:
                cached = frozenset()
            else:
                cached = frozenset(
                    RolePermission.objects.filter(role__users=self).values_list("permission", flat=True)
                )
            self._perm_cache = cached
        return cached

    def has(self, perm: Perm | str) -> bool:
        return self.is_active and str(perm) in self.permission_codes

    def sees_police_only(self) -> bool:
        """The one rule for police-only information (meetings, documents, change history):
        police officers, and holders of VIEW_POLICE_ONLY."""
        return self.agency == Agency.POLICE or self.has(Perm.VIEW_POLICE_ONLY)

    def role_codes(self) -> list[str]:
        return sorted(self.roles.values_list("code", flat=True))


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def live(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True)


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Written at most once a minute (api.authentication), not on every request.
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    # What it may do (access.scopes.Scope values), within its user's roles.
    scopes = models.JSONField(default=list)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "Revoked"
        return "Expired" if self.expires_at <= timezone.now() else "Active"

    def allows(self, scope: str) -> bool:
        return scope in self.scopes

    @classmethod
    def generate(cls, **fields: Any) -> tuple["ApiToken", str]:
        raw = "csh_" + secrets.token_urlsafe(32)
        token = cls(prefix=raw[4:10], digest=hash_token(raw), **fields)
        return token, raw


class RoleRequest(models.Model):
    """A role that needs a strategic lead's approval, given by a system administrator:
    the user has it only once approved (until then they keep the roles they had)."""

    class Status(models.TextChoices):
        PENDING = "PENDING", "Waiting for a strategic lead"
        APPROVED = "APPROVED", "Approved"
        DECLINED = "DECLINED", "Declined"
        WITHDRAWN = "WITHDRAWN", "Withdrawn"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_requests")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(status="PENDING"),
                name="one_pending_request_per_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.role} for {self.user} ({self.status})"
