"""Sign-in (password, then a TOTP code), account, API tokens, users, roles, access review."""

import base64
import time
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, logout, update_session_auth_hash
from django.contrib.auth import login as auth_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from cshub.access import actions
from cshub.access.decorators import require_perm, signed_in
from cshub.access.forms import CodeForm, PasswordChangeForm, RoleDecisionForm, SignInForm, TokenForm, UserForm
from cshub.access.middleware import SESSION_LAST_SEEN, SESSION_STARTED, demo_skips_second_factor
from cshub.access.models import ApiToken, Role, RoleRequest, User
from cshub.access.permissions import Perm
from cshub.audit.events import record_event
from cshub.audit.models import Action

PENDING_USER = "cshub_pending_user"


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


PENDING_NEXT = "cshub_pending_next"
PENDING_SINCE = "cshub_pending_since"
PENDING_SECONDS = 5 * 60  # the password step is good for five minutes
SIGN_IN_DETAIL = "cshub_sign_in_detail"  # how the first step was passed, for the audit event


def locked_out(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any) -> HttpResponse:
    minutes = int(settings.AXES_COOLOFF_TIME * 60)
    message = (
        f"Your account is locked after too many failed sign-in attempts. "
        f"Try again in {minutes} minutes, or ask a system administrator."
    )
    return render(request, "access/sign_in.html", {"form": SignInForm(), "locked_out": message}, status=429)


def _safe_next(request: HttpRequest, target: str | None) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _complete_sign_in(request: HttpRequest, user: User, device: Device | None) -> HttpResponse:
    target = _safe_next(request, request.session.get(PENDING_NEXT))
    detail = {**request.session.pop(SIGN_IN_DETAIL, {}), "second_factor": device is not None}
    auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if device is not None:
        otp_login(request, device)
    request.session[SESSION_STARTED] = request.session[SESSION_LAST_SEEN] = time.time()
    with transaction.atomic():
        record_event(user, Action.SIGN_IN, user, detail=detail)
    return redirect(target)


def _password_allowed(user: Any) -> bool:
    """With single sign-on on (cshub/sso), CSHUB_PASSWORD_SIGN_IN=sysadmins keeps passwords
    for system administrators only: their way in when the provider is down."""
    sysadmins_only = settings.CSHUB_OIDC and settings.CSHUB_PASSWORD_SIGN_IN == "sysadmins"  # noqa: S105  # nosec B105 # a setting's value, not a password
    return not sysadmins_only or bool(user.has(Perm.MANAGE_USERS))


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        if getattr(request, "axes_locked_out", False):
            return locked_out(request)
        if user is None:
            with transaction.atomic():
                record_event(
                    None, Action.SIGN_IN_FAILED, detail={"username": form.cleaned_data["username"][:150]}
                )
            form.add_error(None, "The username or password is not right. Check them and try again.")
        elif not _password_allowed(user):
            with transaction.atomic():
                record_event(user, Action.SIGN_IN_FAILED, user, detail={"reason": "password sign-in is off"})
            form.add_error(None, f"Sign in with {settings.CSHUB_OIDC_PROVIDER_NAME}.")
        else:
            assert isinstance(user, User)
            request.session.cycle_key()
            request.session.pop(SIGN_IN_DETAIL, None)
            request.session[PENDING_NEXT] = request.GET.get("next", "")
            if demo_skips_second_factor(user):
                return _complete_sign_in(request, user, None)
            request.session[PENDING_USER] = user.pk
            request.session[PENDING_SINCE] = time.time()
            if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
                return redirect("access:sign_in_code")
            return redirect("access:set_up_code")
    return render(request, "access/sign_in.html", {"form": form})


def _pending_user(request: HttpRequest) -> User | None:
    pk = request.session.get(PENDING_USER)
    if not pk or time.time() - request.session.get(PENDING_SINCE, 0) > PENDING_SECONDS:
        request.session.pop(PENDING_USER, None)
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return redirect("access:sign_in")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in TOTPDevice.objects.filter(user=user, confirmed=True):
            if device.verify_token(form.cleaned_data["code"]):
                del request.session[PENDING_USER]
                return _complete_sign_in(request, user, device)
        with transaction.atomic():
            record_event(user, Action.SIGN_IN_FAILED, user, detail={"second_factor": "wrong code"})
        form.add_error(
            "code", "The security code is not right, or has expired. Enter the code your app shows now."
        )
    return render(request, "access/sign_in_code.html", {"form": form})


@require_http_methods(["GET", "POST"])
def set_up_code(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return redirect("access:sign_in")
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        # A second authenticator is never added at sign-in: that would skip the code.
        return redirect("access:sign_in_code")
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": "Authenticator app"}
    )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            with transaction.atomic():
                device.confirmed = True
                device.save()
                actions.second_factor_set_up(user)
            del request.session[PENDING_USER]
            return _complete_sign_in(request, user, device)
        form.add_error(
            "code",
            "The security code is not right. Check your app is set up with the key below and enter the code it shows now.",
        )
    qr_svg = segno.make(device.config_url, error="m").svg_inline(
        scale=4, title="QR code for your authenticator app"
    )
    secret = _base32(device.bin_key)
    return render(request, "access/set_up_code.html", {"form": form, "qr_svg": qr_svg, "secret": secret})


def _base32(key: bytes) -> str:
    raw = base64.b32encode(key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        with transaction.atomic():
            record_event(_user(request), Action.SIGN_OUT, _user(request))
    logout(request)
    messages.success(request, "You have signed out.")
    return redirect("access:sign_in")


@signed_in
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    scopes = actions.token_scopes_for(user)
    form = TokenForm(request.POST or None, scopes=scopes)
    new_token = None
    if request.method == "POST" and user.has(Perm.USE_API) and form.is_valid():
        try:
            _, new_token = actions.create_api_token(
                user,
                form.cleaned_data["name"],
                actor=user,
                scopes=form.cleaned_data["scopes"],
                days=form.cleaned_data["days"],
            )
            form = TokenForm(scopes=scopes)
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(
        request,
        "access/account.html",
        {
            "form": form,
            "new_token": new_token,
            "tokens": user.api_tokens.all(),
            "roles": user.roles.all(),
            "can_use_api": user.has(Perm.USE_API),
            "may_change_password": user.has_usable_password() and _password_allowed(user),
        },
    )


@signed_in
@require_http_methods(["GET", "POST"])
def change_password(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    may_change = user.has_usable_password() and _password_allowed(user)
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and may_change and form.is_valid():
        try:
            actions.change_password(
                user,
                current=form.cleaned_data["current"],
                new=form.cleaned_data["new"],
                confirm=form.cleaned_data["confirm"],
            )
        except ValidationError as exc:
            for field, problems in exc.message_dict.items():
                for problem in problems:
                    form.add_error(field, problem)
        else:
            update_session_auth_hash(request, user)  # this session stays; the others end
            messages.success(request, "Your password has been changed. Your other sessions have ended.")
            return redirect("access:account")
    return render(
        request,
        "access/change_password.html",
        {"form": form, "may_change": may_change, "provider": settings.CSHUB_OIDC_PROVIDER_NAME},
    )


@signed_in
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    actions.revoke_api_token(token, actor=_user(request))
    messages.success(request, f"Token '{token.name}' revoked. Anything using it can no longer reach the API.")
    return redirect("access:account")


@signed_in
@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    actions.sign_out_everywhere(_user(request))
    logout(request)
    messages.success(request, "You have been signed out on every device.")
    return redirect("access:sign_in")


@require_perm(Perm.MANAGE_USERS)
def users(request: HttpRequest) -> HttpResponse:
    page = Paginator(User.objects.prefetch_related("roles"), settings.CSHUB_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "access/users.html", {"page": page})


def _user_from_form(form: UserForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {k: data[k] for k in ("agency", "roles", "first_name", "last_name", "email", "job_title")}


@require_perm(Perm.MANAGE_USERS)
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.create_user(
                form.cleaned_data["username"], actor=_user(request), **_user_from_form(form)
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            waiting = _pending_requests().filter(user=user).exists()
            messages.success(
                request,
                f"User {user.username} created. They set a password through your council's usual account process, then set up their security code at first sign-in."
                + (
                    " Roles at team manager and above take effect when a strategic lead approves them."
                    if waiting
                    else ""
                ),
            )
            return redirect("access:users")
    return render(request, "access/user_form.html", {"form": form, "title": "Add a user"})


@require_perm(Perm.MANAGE_USERS)
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    pending = list(_pending_requests().filter(user=user))
    initial = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "job_title": user.job_title,
        "agency": user.agency,
        # Roles waiting for approval stay ticked: untick one to withdraw it.
        "roles": sorted({*user.role_codes(), *(r.role.code for r in pending)}),
        "is_active": user.is_active,
    }
    form = UserForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_user(
                user, actor=_user(request), is_active=form.cleaned_data["is_active"], **_user_from_form(form)
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            waiting = _pending_requests().filter(user=user).count()
            messages.success(
                request,
                f"Changes to {user.username} saved."
                + (
                    " Roles at team manager and above take effect when a strategic lead approves them."
                    if waiting
                    else ""
                ),
            )
            return redirect("access:users")
    return render(
        request,
        "access/user_form.html",
        {
            "form": form,
            "title": f"Change {user.username}",
            "edited": user,
            "pending": pending,
            "tokens": user.api_tokens.all(),
        },
    )


def _pending_requests() -> QuerySet[RoleRequest]:
    return RoleRequest.objects.filter(status=RoleRequest.Status.PENDING).select_related(
        "user", "role", "requested_by"
    )


@require_perm(Perm.APPROVE_ROLES)
def role_requests(request: HttpRequest) -> HttpResponse:
    """Strategic leads: every role waiting for approval, oldest first."""
    return render(request, "access/role_requests.html", {"pending": _pending_requests()})


@require_perm(Perm.APPROVE_ROLES)
@require_http_methods(["GET", "POST"])
def user_roles(request: HttpRequest, pk: int) -> HttpResponse:
    """The user's page for a strategic lead: who they are, their roles, and the roles
    waiting for approval, each to approve or decline."""
    user = get_object_or_404(User, pk=pk)
    actor = _user(request)
    form = RoleDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        role_request = get_object_or_404(RoleRequest, pk=form.cleaned_data["request"], user=user)
        approve = form.cleaned_data["decision"] == "approve"
        try:
            actions.decide_role_request(role_request, approve=approve, actor=actor)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            verb = "approved: it takes effect now" if approve else "declined"
            messages.success(request, f"{role_request.role.name} for {user} {verb}.")
        return redirect("access:user_roles", pk=user.pk)
    pending = list(_pending_requests().filter(user=user))
    for item in pending:
        item.own = actor.pk in (item.requested_by_id, item.user_id)  # type: ignore[attr-defined]
    return render(
        request,
        "access/user_roles.html",
        {"shown": user, "roles": user.roles.all(), "pending": pending},
    )


@require_perm(Perm.MANAGE_USERS, Perm.REVIEW_ACCESS)
def roles(request: HttpRequest) -> HttpResponse:
    all_roles = Role.objects.prefetch_related("permissions")
    held = {r.code: {p.permission for p in r.permissions.all()} for r in all_roles}
    return render(request, "access/roles.html", {"roles": all_roles, "perms": Perm, "held": held})
