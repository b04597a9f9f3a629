"""The one write path for users, roles and API tokens."""

import secrets
from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cshub.access.models import ApiToken, Role, User
from cshub.access.permissions import Perm
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.core import locks
from cshub.core.codes import Agency
from cshub.core.text import check_names


def _require_admin(actor: User | None) -> None:
    # actor None: the `cshub user` console command, run by whoever holds the server.
    if actor is not None and not actor.has(Perm.MANAGE_USERS):
        raise PermissionDenied("missing permission manage_users")


@transaction.atomic
def create_user(
    username: str,
    *,
    agency: str,
    roles: Iterable[str],
    actor: User | None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    password: str | None = None,
    job_title: str = "",
    is_demo: bool = False,
) -> User:
    _require_admin(actor)
    errors: dict[str, str] = {}
    names = check_names(
        errors,
        {
            "username": ("Username", username),
            "first_name": ("First name", first_name),
            "last_name": ("Last name", last_name),
        },
    )
    username, first_name, last_name = names["username"], names["first_name"], names["last_name"]
    locks.hold(f"access:username:{username.strip().lower()}")
    if not username.strip():
        errors["username"] = "Enter a username"
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = f"There is already a user called {username}"
    if agency not in Agency.values:
        errors["agency"] = f"Unknown agency {agency}: use one of {', '.join(Agency.values)}"
    role_objs = list(Role.objects.filter(code__in=list(roles)))
    unknown = set(roles) - {r.code for r in role_objs}
    if unknown:
        errors["roles"] = f"Unknown role {', '.join(sorted(unknown))}"
    if password:
        try:
            validate_password(password)
        except ValidationError as exc:
            errors["password"] = " ".join(exc.messages)
    if errors:
        raise ValidationError(errors)
    user = User(
        username=username.strip(),
        agency=agency,
        first_name=first_name,
        last_name=last_name,
        email=email,
        job_title=job_title,
        is_demo=is_demo,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    user.roles.set(role_objs)
    record_event(
        actor,
        Action.USER_CREATED,
        user,
        detail={"roles": sorted(r.code for r in role_objs), "agency": agency},
    )
    return user


@transaction.atomic
def update_user(
    user: User,
    *,
    actor: User,
    agency: str,
    roles: Iterable[str],
    first_name: str,
    last_name: str,
    email: str,
    job_title: str,
    is_active: bool,
) -> User:
    _require_admin(actor)
    if user == actor and not is_active:
        raise ValidationError({"is_active": "You cannot disable your own account"})
    errors: dict[str, str] = {}
    names = check_names(
        errors, {"first_name": ("First name", first_name), "last_name": ("Last name", last_name)}
    )
    if errors:
        raise ValidationError(errors)
    first_name, last_name = names["first_name"], names["last_name"]
    role_objs = list(Role.objects.filter(code__in=list(roles)))
    if user == actor and {r.code for r in role_objs} != set(user.role_codes()):
        raise ValidationError({"roles": "You cannot change your own roles: ask another administrator"})
    user.agency, user.first_name, user.last_name = agency, first_name, last_name
    user.email, user.job_title, user.is_active = email, job_title, is_active
    if not is_active:
        user.session_key_salt = secrets.token_hex(32)
        user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    user.save()
    user.roles.set(role_objs)
    record_event(
        actor,
        Action.USER_UPDATED,
        user,
        detail={"roles": sorted(r.code for r in role_objs), "agency": agency, "active": is_active},
    )
    return user


@transaction.atomic
def disable_user(user: User, *, actor: User | None) -> User:
    _require_admin(actor)
    user.is_active = False
    user.session_key_salt = secrets.token_hex(32)
    user.save(update_fields=["is_active", "session_key_salt"])
    user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    record_event(actor, Action.USER_DISABLED, user)
    return user


@transaction.atomic
def sign_out_everywhere(user: User) -> None:
    user.session_key_salt = secrets.token_hex(32)
    user.save(update_fields=["session_key_salt"])
    record_event(user, Action.SIGN_OUT_EVERYWHERE, user)


@transaction.atomic
def create_api_token(user: User, name: str, *, actor: User | None) -> tuple[ApiToken, str]:
    if actor is not None and actor != user:
        _require_admin(actor)
    if not user.has(Perm.USE_API):
        raise ValidationError({"name": "Your roles do not include use of the API"})
    if not name.strip():
        raise ValidationError({"name": "Enter a name for the token, for example what will use it"})
    token, raw = ApiToken.generate(user=user, name=name.strip())
    token.save()
    record_event(actor, Action.TOKEN_CREATED, token, detail={"user": user.pk})
    return token, raw


@transaction.atomic
def revoke_api_token(token: ApiToken, *, actor: User) -> ApiToken:
    if token.user != actor:
        _require_admin(actor)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_event(actor, Action.TOKEN_REVOKED, token, detail={"user": token.user_id})
    return token
