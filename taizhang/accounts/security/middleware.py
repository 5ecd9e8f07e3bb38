"""Session rules applied on every request, and the audit of permission denials."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from taizhang.accounts.security import second_factor
from taizhang.accounts.security.passwords import must_change_password
from taizhang.core.audit.service import record

LAST_SEEN = "_tz_last_seen"
# Refresh the session's expiry at most once a minute: a write per request buys nothing.
_REFRESH_SECONDS = 60
# Pages a user must still reach while a password change or second-factor enrolment is due.
_ALWAYS_OPEN = {"login", "logout", "login-verify", "set_language", "accounts:password",
                "accounts:two-factor", "javascript-catalog"}


def start_idle_clock(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
                     ) -> None:
    """On every login (the form, the admin, tests' force_login) the idle time starts at 0."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = int(time.time())


def htmx_aware_redirect(request: HttpRequest, url: str) -> HttpResponse:
    """htmx swaps a redirect's target into the page; tell it to navigate instead, unless
    the browser is on that page already: a fragment that loads itself there (the header's
    bell on the password page) would send it to the same page again and again."""
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        if urlsplit(request.headers.get("HX-Current-URL", "")).path != urlsplit(url).path:
            response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


class LoginPolicyMiddleware:
    """Idle timeout, then the forced steps: change an expired or issued password, enrol TOTP."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Any, args: Any, kwargs: Any
                     ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        expired = self._touch(request)
        if expired is not None:
            return expired
        match = request.resolver_match
        name = match.view_name if match else ""
        if name in _ALWAYS_OPEN:
            return None
        if must_change_password(user):
            return htmx_aware_redirect(request, reverse("accounts:password"))
        if second_factor.required_for(user) and not user.totp_confirmed:
            return htmx_aware_redirect(request, reverse("accounts:two-factor"))
        return None

    def _touch(self, request: HttpRequest) -> HttpResponse | None:
        """Log out after the idle time; otherwise move the session's end forward."""
        now = int(time.time())
        idle = settings.TAIZHANG_SESSION_IDLE_MINUTES * 60
        last = request.session.get(LAST_SEEN)
        if idle > 0 and isinstance(last, int) and now - last > idle:
            user = request.user
            record("auth.session_expired", user, actor=user,  # type: ignore[arg-type]
                   changes={"idle_minutes": settings.TAIZHANG_SESSION_IDLE_MINUTES})
            logout(request)
            messages.info(request, _("You were logged out after %(n)d minutes without "
                                     "activity. Please log in again.")
                          % {"n": settings.TAIZHANG_SESSION_IDLE_MINUTES})
            if request.headers.get("HX-Request"):
                return htmx_aware_redirect(request, reverse("login"))
            return redirect_to_login(request.get_full_path())
        if not isinstance(last, int) or now - last >= _REFRESH_SECONDS:
            request.session[LAST_SEEN] = now  # modified → saved → cookie and expiry renewed
        return None


class PermissionDeniedAuditMiddleware:
    """Every 403 a signed-in user meets is recorded (PermissionDenied, CSRF, admin)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 403:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                record("auth.permission_denied", user, actor=user,
                       changes={"path": request.path[:300], "method": request.method})
        return response
