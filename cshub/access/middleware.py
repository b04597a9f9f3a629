"""Session limits (idle time-out, absolute lifetime) and the second-factor requirement."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers

SESSION_STARTED = "cshub_started"
SESSION_LAST_SEEN = "cshub_last_seen"
SEEN_RESOLUTION_SECONDS = 60  # the idle time-out is measured to the minute

# Pages that a signed-out or not-yet-verified person may reach.
OPEN_PREFIXES = ("/sign-in", "/assets/", "/api/", "/accessibility", "/healthz")


def demo_skips_second_factor(user: object) -> bool:
    return bool(settings.DEMO and getattr(user, "is_demo", False))


class SessionLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # A session cookie is held to its limits whatever else the request carries: an
        # Authorization header must not switch them off. (A bearer token alone signs in no
        # session here: the API authenticates it in the view.)
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.get(SESSION_STARTED, now)
            last_seen = request.session.get(SESSION_LAST_SEEN, now)
            idle = now - last_seen > settings.CSHUB_IDLE_TIMEOUT_MINUTES * 60
            too_old = now - started > settings.CSHUB_SESSION_MAX_HOURS * 3600
            if idle or too_old:
                logout(request)
                if request.path.startswith("/api/"):
                    return HttpResponse(
                        "Your session has ended: sign in again.", status=401, content_type="text/plain"
                    )
                messages.info(
                    request,
                    "You were signed out because you were inactive for "
                    f"{settings.CSHUB_IDLE_TIMEOUT_MINUTES} minutes."
                    if idle
                    else f"You were signed out because sessions last at most {settings.CSHUB_SESSION_MAX_HOURS} hours.",
                )
                return redirect(settings.LOGIN_URL)
            # Written only when it changes by more than a minute: a session saved on every
            # request is a database write per page, which waits behind a long import on SQLite.
            if SESSION_STARTED not in request.session:
                request.session[SESSION_STARTED] = started
            if now - last_seen > SEEN_RESOLUTION_SECONDS or SESSION_LAST_SEEN not in request.session:
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


class SecondFactorRequiredMiddleware:
    """A signed-in user who has not passed the second factor reaches nothing but sign-in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
            and not (user.is_verified() or demo_skips_second_factor(user))  # type: ignore[attr-defined]  # is_verified() is added by OTPMiddleware
        ):
            logout(request)
            return redirect(settings.LOGIN_URL)
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages and API answers for a signed-in user are never kept by a browser or proxy cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated or request.headers.get("Authorization"):
            add_never_cache_headers(response)
        return response
