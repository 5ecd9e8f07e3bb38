"""Logging in and out, the second factor, changing one's password, unlocking (the office)."""

from __future__ import annotations

import time
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from taizhang.accounts.forms import CodeForm, PasswordChangeForm
from taizhang.accounts.models import User
from taizhang.accounts.security import lockout, second_factor
from taizhang.accounts.security.passwords import change_own_password, must_change_password
from taizhang.core.audit.service import record
from taizhang.core.parsing import local_path, parse_id

_PENDING = "_tz_pending_login"
_PENDING_SECONDS = 300


def _me(request: HttpRequest) -> User:
    """The signed-in user (the views below are behind login_required)."""
    return cast(User, request.user)


def _next_url(request: HttpRequest) -> str:
    # A path only: anything else would reach redirect() as a view name to look up.
    target = local_path(request.POST.get("next") or request.GET.get("next")) or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return settings.LOGIN_REDIRECT_URL


def _locked_message(user: User) -> str:
    until = lockout.locked_until(user)
    if until is None:
        return _("This account is locked after too many failed logins. Ask the key-project "
                 "office to unlock it.")
    return _("This account is locked after too many failed logins until %(time)s. Try again "
             "then, or ask the key-project office to unlock it.") % {
        "time": date_format(localtime(until), "H:i")}


def _address_message() -> str:
    return _("Too many failed logins from this computer's network address. Try again in "
             "%(n)d minutes, or ask the key-project office.") % {
        "n": settings.TAIZHANG_LOGIN_FAILURE_WINDOW_MINUTES}


def _complete_login(request: HttpRequest, user: User, backend: str, next_url: str
                    ) -> HttpResponse:
    login(request, user, backend=backend)  # starts the idle clock (apps.py)
    lockout.register_success(user)
    record("auth.login", user, actor=user,
           changes={"address": lockout.client_address(request),
                    "second_factor": user.totp_confirmed})
    if must_change_password(user):
        return redirect("accounts:password")
    return redirect(next_url)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    if request.method != "POST":
        if request.user.is_authenticated:
            return redirect(next_url)
        form = AuthenticationForm(request)
        return render(request, "web/login.html", {"form": form, "next": next_url})

    form = AuthenticationForm(request, data=request.POST)
    address = lockout.client_address(request)
    username = request.POST.get("username", "").strip()
    # Any spelling of a locked account's name (case, full-width letters) meets its lock.
    known = User.objects.for_login(username)
    error = ""
    if lockout.address_locked(address):
        error = _address_message()
    elif known is not None and lockout.user_locked(known):
        error = _locked_message(known)
    elif form.is_valid():
        user = form.get_user()
        backend = user.backend  # type: ignore[attr-defined]  # set by authenticate()
        if user.totp_confirmed:
            request.session.cycle_key()
            request.session[_PENDING] = {"user": user.pk, "backend": backend,
                                         "at": int(time.time()), "next": next_url}
            return redirect("login-verify")
        return _complete_login(request, user, backend, next_url)
    else:
        outcome = lockout.register_failure(username, address)
        if outcome.user_locked and known is not None:
            error = _locked_message(User.objects.get(pk=known.pk))
        elif outcome.address_locked:
            error = _address_message()
        else:
            error = _("The username or password is not correct.")
    return render(request, "web/login.html",
                  {"form": form, "next": next_url, "error": error}, status=200)


def _check_code(request: HttpRequest, user: User, code: str, address: str | None) -> str:
    """The second step's code: "" when accepted, else the message to show."""
    check = second_factor.verify(user, code, address=address)
    if check is second_factor.CodeCheck.ACCEPTED:
        del request.session[_PENDING]
        return ""
    if check is second_factor.CodeCheck.REUSED:
        return _("This code has just been used. Wait until the app shows the next code (a new "
                 "one comes every 30 seconds) and enter that one.")
    outcome = lockout.register_failure(user.username, address, reason="second factor")
    if outcome.user_locked:
        request.session.pop(_PENDING, None)
        return _locked_message(User.objects.get(pk=user.pk))
    return _("The code is not correct. Enter the current code from the app.")


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def login_verify(request: HttpRequest) -> HttpResponse:
    """The second step for accounts with a second factor: the code from the app."""
    pending = request.session.get(_PENDING)
    if not pending or time.time() - pending["at"] > _PENDING_SECONDS:
        request.session.pop(_PENDING, None)
        messages.info(request, _("Please log in again."))
        return redirect("login")
    user = get_object_or_404(User, pk=pending["user"], is_active=True)
    form = CodeForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        address = lockout.client_address(request)
        if lockout.address_locked(address):
            error = _address_message()
        elif lockout.user_locked(user):
            request.session.pop(_PENDING, None)
            error = _locked_message(user)
        else:
            error = _check_code(request, user, form.cleaned_data["code"], address)
            if not error:
                return _complete_login(request, user, pending["backend"], pending["next"])
    return render(request, "accounts/login_verify.html", {"form": form, "error": error})


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin sends whoever may not use it here. Anonymous: to our login (same lockout,
    second factor, audit). Signed in without admin rights: refused, since the login page
    would send them straight back to the admin (a redirect loop)."""
    from django.contrib import admin

    if request.user.is_authenticated and not admin.site.has_permission(request):
        raise PermissionDenied
    query = request.META.get("QUERY_STRING", "")
    return redirect(reverse("login") + (f"?{query}" if query else ""))


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record("auth.logout", request.user, actor=request.user)
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@never_cache
@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    forced = must_change_password(me)
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change_own_password(me, form.cleaned_data["old_password"],
                                form.cleaned_data["new_password1"])
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for message in errors:
                    form.add_error(field, message)
        else:
            # Keep this session; every other session of the user ends (their hash changed).
            update_session_auth_hash(request, me)
            messages.success(request, _("Your password was changed."))
            return redirect("home")
    return render(request, "accounts/password_change.html", {
        "form": form, "forced": forced,
        "never_changed": me.password_changed_at is None,
        "max_age_days": settings.TAIZHANG_PASSWORD_MAX_AGE_DAYS,
    })


@never_cache  # the page shows the secret
@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Enrol (show the secret and otpauth URI, confirm with a code) or switch off."""
    user = _me(request)
    required = second_factor.required_for(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and request.POST.get("action") == "disable":
        try:
            second_factor.disable(user, actor=user)
        except PermissionDenied:  # required for this account
            messages.error(request, _("Office administrators must keep the second factor."))
        else:
            messages.success(request, _("The second factor is off."))
        return redirect("accounts:two-factor")
    if request.method == "POST" and form.is_valid() and not user.totp_confirmed:
        if second_factor.confirm_enrolment(user, form.cleaned_data["code"]):
            messages.success(request, _("The second factor is on: from now on you enter a "
                                        "code from the app after your password."))
            return redirect("home")
        form.add_error("code", _("The code is not correct. Check the phone's clock and enter "
                                 "the current code."))
    context = {"form": form, "required": required, "enabled": user.totp_confirmed}
    if not user.totp_confirmed:
        secret = second_factor.start_enrolment(user)
        uri = second_factor.provisioning_uri(user)
        context.update({
            "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
            "uri": uri,
            "qr_code": second_factor.qr_code_data_uri(uri),
        })
    return render(request, "accounts/two_factor.html", context)


def _account_posted(users: QuerySet[User], raw: str) -> User:
    """The account a button names by id; anything else (text, a huge number, an account out
    of the office's reach) is "not found", never a server error."""
    pk = parse_id(raw)
    if pk is None:
        raise Http404
    return get_object_or_404(users, pk=pk)


@login_required
def lockouts(request: HttpRequest) -> HttpResponse:
    """The office sees locked accounts in its division and refused addresses, and unlocks;
    it also resets the second factor of a colleague who lost their phone."""
    users = lockout.users_for_office(request.user)
    if request.method == "POST":
        if "user" in request.POST:
            target = _account_posted(users, request.POST["user"])
            lockout.unlock_user(target, actor=request.user)
            messages.success(request, _("%(name)s is unlocked.") % {"name": target.username})
        elif "reset_totp" in request.POST:
            target = _account_posted(users.exclude(pk=request.user.pk),
                                     request.POST["reset_totp"])
            second_factor.disable(target, actor=request.user)
            messages.success(request, _("The second factor of %(name)s is reset; they set it "
                                        "up again at their next login.")
                             % {"name": target.username})
        elif "address" in request.POST:
            address = lockout.valid_address(request.POST["address"].strip())
            if address is None:
                messages.error(request, _("That is not a network address."))
            else:
                lockout.unlock_address(address, actor=request.user)
                messages.success(request, _("%(address)s may log in again.")
                                 % {"address": address})
        return redirect("accounts:lockouts")
    locked = [u for u in users.filter(locked_at__isnull=False).order_by("-locked_at")
              if lockout.user_locked(u)]
    return render(request, "accounts/lockouts.html", {
        "locked": [(u, lockout.locked_until(u)) for u in locked],
        "addresses": lockout.locked_addresses(),
        "with_totp": users.filter(totp_confirmed=True).exclude(pk=request.user.pk)
                          .order_by("username"),
    })
