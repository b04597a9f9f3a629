"""The write path for sign-in identities (and accounts made at first sign-in, when allowed)."""

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from cshub.access import actions as access
from cshub.access.models import User
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.core import locks
from cshub.sso.models import Identity, ProviderDevice


def users_matching(claim: str, value: str) -> list[User]:
    """The accounts a claim value names: `email` is the user's email address (compared
    without case); any other claim is the value linked to the user (`cshub sso link`)."""
    if claim == "email":
        return list(User.objects.filter(email__iexact=value)[:2])
    return [i.user for i in Identity.objects.select_related("user").filter(claim=claim, value=value)[:2]]


@transaction.atomic
def link(user: User, value: str, *, actor: User | None) -> Identity:
    """Link a user to their identity at the provider (the configured claim's value)."""
    if actor is not None:
        access._require_admin(actor)
    claim = settings.CSHUB_OIDC_MATCH_CLAIM
    value = value.strip()
    if claim == "email":
        raise ValidationError(
            {"value": "Accounts are matched by email address: set the user's email instead"}
        )
    if not value or len(value) > 255:
        raise ValidationError({"value": "Enter the value of the claim, 255 characters or fewer"})
    locks.hold(f"sso:identity:{claim}:{value}")
    taken = Identity.objects.filter(claim=claim, value=value).exclude(user=user).first()
    if taken is not None:
        raise ValidationError({"value": f"That {claim} is already linked to {taken.user.username}"})
    identity, _ = Identity.objects.update_or_create(user=user, claim=claim, defaults={"value": value})
    record_event(actor, Action.USER_UPDATED, user, detail={"sso_linked": claim})
    return identity


@transaction.atomic
def unlink(user: User, *, actor: User | None) -> int:
    if actor is not None:
        access._require_admin(actor)
    removed, _ = Identity.objects.filter(user=user).delete()
    if removed:
        record_event(actor, Action.USER_UPDATED, user, detail={"sso_unlinked": True})
    return removed


def _username(claims: dict[str, Any], value: str) -> str:
    wanted = str(claims.get("preferred_username") or claims.get("email") or f"sso-{value}")
    base = re.sub(r"[^\w.@+-]", "", wanted)[:140] or "sso-user"
    name, n = base, 1
    while User.objects.filter(username__iexact=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


@transaction.atomic
def create_user_from_claims(claim: str, value: str, claims: dict[str, Any]) -> User:
    """An account for someone the provider vouches for and CSHub does not know yet
    (CSHUB_OIDC_CREATE_USERS=1): no role, so no access until a system administrator gives one."""
    locks.hold(f"sso:identity:{claim}:{value}")
    if users_matching(claim, value):  # made by a sign-in a moment ago
        return users_matching(claim, value)[0]

    def text(key: str, limit: int) -> str:
        found = claims.get(key)
        return found.strip()[:limit] if isinstance(found, str) else ""

    user = access.create_user(
        _username(claims, value),
        agency=settings.CSHUB_OIDC_NEW_USER_AGENCY,
        roles=[],
        actor=None,
        first_name=text("given_name", 150),
        last_name=text("family_name", 150),
        email=value if claim == "email" else text("email", 254),
    )
    if claim != "email":
        Identity.objects.create(user=user, claim=claim, value=value)
    return user


@transaction.atomic
def provider_device(user: User) -> ProviderDevice:
    """The device that stands for the provider's own second factor in this user's session."""
    device: ProviderDevice | None = ProviderDevice.objects.filter(user=user).first()
    if device is None:
        device = ProviderDevice.objects.create(user=user, name="Identity provider", confirmed=True)
    return device
