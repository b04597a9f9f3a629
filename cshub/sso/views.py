"""Sign-in with the council's identity provider (OpenID Connect authorization code flow,
with state, nonce and PKCE), then CSHub's own second factor unless the provider asked for one."""

import logging
import time

import jwt
import requests
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET
from django_otp.plugins.otp_totp.models import TOTPDevice
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from cshub.access.forms import SignInForm
from cshub.access.middleware import demo_skips_second_factor
from cshub.access.models import User
from cshub.access.views import PENDING_NEXT, PENDING_SINCE, PENDING_USER, SIGN_IN_DETAIL, _complete_sign_in
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.sso import actions, config
from cshub.sso.backend import ClaimMatchBackend, SignInRefusedError

logger = logging.getLogger(__name__)

STATES = "oidc_states"  # mozilla-django-oidc's session key: state -> nonce, PKCE verifier
NEXT = "oidc_login_next"


class _Start(OIDCAuthenticationRequestView):  # type: ignore[misc]  # untyped library class
    get_settings = staticmethod(config.setting)


def _sign_in_page(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "access/sign_in.html", {"form": SignInForm(), "sso_error": message}, status=status)


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """Send the browser to the provider (the state, nonce and PKCE verifier stay in the session)."""
    if not config.enabled():
        raise Http404
    if request.user.is_authenticated:
        return redirect("home")
    try:
        response: HttpResponse = _Start.as_view()(request)
    except (requests.RequestException, ValueError) as exc:
        logger.warning(
            "single sign-on: the provider's discovery document did not answer (%s)", type(exc).__name__
        )
        return _sign_in_page(
            request,
            f"{config.provider_name()[:1].upper() + config.provider_name()[1:]} is not answering. Try again in a few minutes.",
            503,
        )
    return response


def _refused(request: HttpRequest, reason: str, user: User | None = None, tried: str = "") -> HttpResponse:
    detail = {"via": "sso", "reason": reason}
    if tried:
        detail["tried"] = tried[:150]  # as the password path keeps the username tried
    with transaction.atomic():
        record_event(user, Action.SIGN_IN_FAILED, user, detail=detail)
    return _sign_in_page(
        request,
        f"You could not be signed in with {config.provider_name()}. If you work in the hub, "
        "ask your system administrator to check your CSHub account.",
        403,
    )


@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """The provider sends the browser back here with a code and the state it was given."""
    if not config.enabled():
        raise Http404
    if request.user.is_authenticated:
        return redirect("home")  # a link to here signs no one out, and no one else in
    states = request.session.get(STATES)
    state = request.GET.get("state", "")
    entry = states.pop(state, None) if isinstance(states, dict) else None
    if entry is not None:
        request.session[STATES] = states  # used once: a replayed callback finds nothing
    if request.GET.get("error"):
        return _refused(request, f"provider answered {request.GET['error'][:40]}")
    if entry is None or not request.GET.get("code"):
        return _refused(request, "state not recognised")
    try:
        backend = ClaimMatchBackend()
        user = backend.authenticate(
            request, nonce=entry.get("nonce"), code_verifier=entry.get("code_verifier")
        )
    except SignInRefusedError as exc:
        return _refused(request, exc.reason, exc.user, exc.tried)
    except (SuspiciousOperation, requests.RequestException, jwt.PyJWTError, ValueError, KeyError) as exc:
        logger.warning("single sign-on: the provider's answer was refused (%s)", type(exc).__name__)
        return _refused(request, f"token refused ({type(exc).__name__})")
    if not isinstance(user, User):
        return _refused(request, "token refused")
    return _signed_in_at_provider(request, user, backend.id_claims.get("amr"))


def _signed_in_at_provider(request: HttpRequest, user: User, amr: object) -> HttpResponse:
    """The provider vouched for the user: on to CSHub's TOTP step, as after a password,
    unless the ID token's `amr` says the provider asked for a second factor itself."""
    next_url = request.session.pop(NEXT, None) or ""
    request.session.cycle_key()
    request.session.pop(PENDING_USER, None)
    request.session[PENDING_NEXT] = next_url
    provider_mfa = config.provider_did_mfa(amr)
    said = [str(v)[:20] for v in amr[:10]] if isinstance(amr, list) else []
    request.session[SIGN_IN_DETAIL] = {"via": "sso", "amr": said, "provider_mfa": provider_mfa}
    if provider_mfa:
        return _complete_sign_in(request, user, actions.provider_device(user))
    if demo_skips_second_factor(user):
        return _complete_sign_in(request, user, None)
    request.session[PENDING_USER] = user.pk
    request.session[PENDING_SINCE] = time.time()
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("access:sign_in_code")
    return redirect("access:set_up_code")
