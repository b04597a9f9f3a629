"""The one write path for users, roles and API tokens."""

import datetime as dt
import secrets
from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cshub.access.models import ApiToken, Role, RoleRequest, User
from cshub.access.notices import security_notice
from cshub.access.permissions import Perm
from cshub.access.scopes import DEFAULT_TOKEN_DAYS, NEEDS, REFUSED, TOKEN_DAYS, Scope
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
    now_roles, waiting = _needing_approval(role_objs, actor)
    user.roles.set(now_roles)
    record_event(
        actor,
        Action.USER_CREATED,
        user,
        detail={"roles": sorted(r.code for r in now_roles), "agency": agency},
    )
    for role in waiting:
        _request_role(user, role, actor)
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
    locks.claim(user)  # one change to a user's roles and requests at a time
    pending = {r.role_id: r for r in user.role_requests.filter(status=RoleRequest.Status.PENDING)}
    held = set(user.roles.all())
    if user == actor and {r.code for r in role_objs} != {r.code for r in held} | {
        r.role.code for r in pending.values()
    }:
        raise ValidationError({"roles": "You cannot change your own roles: ask another administrator"})
    user.agency, user.first_name, user.last_name = agency, first_name, last_name
    user.email, user.job_title, user.is_active = email, job_title, is_active
    if not is_active:
        user.session_key_salt = secrets.token_hex(32)
        user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    user.save()
    # Taking a role away takes effect at once; a role that needs approval and is new waits.
    added, waiting = _needing_approval([r for r in role_objs if r not in held], actor)
    now_roles = [r for r in role_objs if r in held] + added
    user.roles.set(now_roles)
    record_event(
        actor,
        Action.USER_UPDATED,
        user,
        detail={"roles": sorted(r.code for r in now_roles), "agency": agency, "active": is_active},
    )
    for role in waiting:
        if role.pk not in pending:
            _request_role(user, role, actor)
    wanted = {r.pk for r in role_objs}
    for role_pk, request in pending.items():
        if role_pk not in wanted:
            _close_request(request, RoleRequest.Status.WITHDRAWN, actor)
    return user


def _needing_approval(roles: Iterable[Role], actor: User | None) -> tuple[list[Role], list[Role]]:
    """(roles that take effect now, roles that wait for a strategic lead). The console
    (actor None, whoever holds the server: how the first accounts are made) gives any role."""
    now: list[Role] = []
    waiting: list[Role] = []
    for role in roles:
        (waiting if role.needs_approval and actor is not None else now).append(role)
    return now, waiting


def _request_role(user: User, role: Role, actor: User | None) -> RoleRequest:
    request = RoleRequest.objects.create(user=user, role=role, requested_by=actor)
    record_event(
        actor,
        Action.USER_UPDATED,
        request,
        detail={"role_request": "requested", "role": role.code, "user": user.pk},
    )
    return request


def _close_request(request: RoleRequest, status: str, actor: User) -> None:
    request.status, request.decided_by, request.decided_at = status, actor, timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    record_event(
        actor,
        Action.USER_UPDATED,
        request,
        detail={"role_request": str(status).lower(), "role": request.role.code, "user": request.user_id},
    )


@transaction.atomic
def decide_role_request(request: RoleRequest, *, approve: bool, actor: User) -> RoleRequest:
    """A strategic lead approves (the user has the role from now) or declines a role a
    system administrator gave. Never one they asked for, nor one for themselves."""
    if not actor.has(Perm.APPROVE_ROLES):
        raise PermissionDenied("missing permission approve_roles")
    if actor.pk in (request.requested_by_id, request.user_id):
        raise PermissionDenied(
            "A role you gave, or one given to you, needs another strategic lead's approval"
        )
    locks.claim(request)
    if request.status != RoleRequest.Status.PENDING:
        raise ValidationError(
            {"decision": f"This request was already {request.get_status_display().lower()}"}
        )
    if approve:
        request.user.roles.add(request.role)
    _close_request(request, RoleRequest.Status.APPROVED if approve else RoleRequest.Status.DECLINED, actor)
    return request


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
def change_password(user: User, *, current: str, new: str, confirm: str) -> User:
    """A person changes their own password: the current one first, the new one twice, by
    the council's password rules. Every other session of theirs ends (the view keeps the one
    they are using); audited; a security notice is emailed to them."""
    errors: dict[str, list[str]] = {}
    if not user.has_usable_password() or not user.check_password(current):
        errors["current"] = ["Your current password is not right"]
    try:
        validate_password(new, user)
    except ValidationError as exc:
        errors["new"] = list(exc.messages)
    if new and not errors.get("new") and new != confirm:
        errors["confirm"] = ["The passwords do not match: type the new password again"]
    if not errors and new == current:
        errors["new"] = ["Choose a password different from your current one"]
    if errors:
        raise ValidationError(errors)
    user.set_password(new)
    user.session_key_salt = secrets.token_hex(32)  # other sessions end
    user.save(update_fields=["password", "session_key_salt"])
    record_event(user, Action.PASSWORD_CHANGED, user)
    security_notice(user, "Your CSHub password was changed.")
    return user


@transaction.atomic
def second_factor_set_up(user: User) -> None:
    """An authenticator app was confirmed for `user` (at sign-in): audited, and a security
    notice emailed to them."""
    record_event(user, Action.SECOND_FACTOR_SET_UP, user)
    security_notice(user, "An authenticator app was set up for signing in to CSHub as you.")


@transaction.atomic
def sign_out_everywhere(user: User) -> None:
    user.session_key_salt = secrets.token_hex(32)
    user.save(update_fields=["session_key_salt"])
    record_event(user, Action.SIGN_OUT_EVERYWHERE, user)


def token_scopes_for(user: User) -> list[str]:
    """The scopes a token of this user may have: those their roles allow."""
    return [scope for scope, perm in NEEDS.items() if perm is None or user.has(perm)]


@transaction.atomic
def create_api_token(
    user: User,
    name: str,
    *,
    actor: User | None,
    scopes: Iterable[str] | None = None,
    days: int = DEFAULT_TOKEN_DAYS,
) -> tuple[ApiToken, str]:
    """A token for `days` (30, 90 or 365) that may do `scopes` (access.scopes.Scope) within
    its user's roles. The page always chooses; `scopes=None` (the console without
    --token-scope, the suite's fixtures) is every scope the roles allow."""
    if actor is not None and actor != user:
        _require_admin(actor)
    if not user.has(Perm.USE_API):
        raise ValidationError({"name": "Your roles do not include use of the API"})
    if not name.strip():
        raise ValidationError({"name": "Enter a name for the token, for example what will use it"})
    chosen = token_scopes_for(user) if scopes is None else sorted(set(scopes))
    if not chosen:
        raise ValidationError({"scopes": "Select what the token may do (its scope)"})
    for scope in chosen:
        if scope not in NEEDS:
            raise ValidationError({"scopes": f"Unknown scope {scope}: use one of {', '.join(Scope.values)}"})
        if scope not in token_scopes_for(user):
            raise ValidationError({"scopes": REFUSED[scope]})
    if days not in TOKEN_DAYS:
        raise ValidationError({"days": "Select how long the token lasts: 30, 90 or 365 days"})
    now = timezone.now()
    token, raw = ApiToken.generate(
        user=user,
        name=name.strip(),
        scopes=chosen,
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
    )
    token.save()
    record_event(actor, Action.TOKEN_CREATED, token, detail={"user": user.pk, "scopes": chosen, "days": days})
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
