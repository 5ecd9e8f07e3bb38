"""Lockout after repeated failed logins, per username and per client address.

Failures are rows in the database (`LoginFailure`), so every application host counts the same.
A username with too many failures in the window locks its account (`User.locked_at`) for
TAIZHANG_LOGIN_LOCKOUT_MINUTES (0: until the office unlocks it); an address with too many
failures is refused until its failures leave the window or the office clears them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from taizhang.accounts.identity import login_key
from taizhang.accounts.models import LoginFailure, User
from taizhang.accounts.scope import acts_for_office, manages_account, office_accounts_q
from taizhang.core.audit.service import record


def client_address(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or the entry our own proxies added to X-Forwarded-For.

    Only the last TAIZHANG_PROXY_COUNT entries were written by proxies we trust; anything to
    their left came from the client and could be forged.
    """
    proxies = settings.TAIZHANG_PROXY_COUNT
    if proxies > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= proxies:
            return valid_address(hops[-proxies])
    return valid_address(request.META.get("REMOTE_ADDR", ""))


def valid_address(value: str) -> str | None:
    """`value` if it is an IPv4 or IPv6 address, else None."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_ipv46_address

    if len(value) > 45:  # the longest text form of an IPv6 address
        return None
    try:
        validate_ipv46_address(value)
    except ValidationError:
        return None
    return value


def _window_start() -> datetime:
    return timezone.now() - timedelta(minutes=settings.TAIZHANG_LOGIN_FAILURE_WINDOW_MINUTES)


def _recent(**lookup: Any) -> int:
    return LoginFailure.objects.filter(cleared=False, at__gte=_window_start(), **lookup).count()


def address_locked(address: str | None) -> bool:
    limit = settings.TAIZHANG_LOGIN_MAX_FAILURES_PER_ADDRESS
    return bool(address and limit > 0 and _recent(address=address) >= limit)


def user_locked(user: User) -> bool:
    """Locked until the lockout time has passed (or, with 0 minutes, until unlocked)."""
    if user.locked_at is None:
        return False
    minutes = settings.TAIZHANG_LOGIN_LOCKOUT_MINUTES
    return minutes <= 0 or timezone.now() < user.locked_at + timedelta(minutes=minutes)


def locked_until(user: User) -> datetime | None:
    minutes = settings.TAIZHANG_LOGIN_LOCKOUT_MINUTES
    if user.locked_at is None or minutes <= 0:
        return None
    return user.locked_at + timedelta(minutes=minutes)


@dataclass(frozen=True)
class FailureOutcome:
    user_locked: bool
    address_locked: bool


@transaction.atomic
def register_failure(username: str, address: str | None, *, reason: str = "password"
                     ) -> FailureOutcome:
    """Store a failed login, audit it, and lock the account when it reaches the limit.

    `username` is what was typed: the failure counts against the identity it stands for
    (accounts/identity.py), so `ＬＥＡＤＥＲ` and `leader` fill one account's count.
    """
    key = login_key(username)
    failure = LoginFailure.objects.create(username=key, address=address)
    user = User.objects.select_for_update().filter(username_key=key).first()
    subject: Any = user or failure
    changes: dict[str, Any] = {"username": user.username if user else key, "address": address}
    typed = username[:150]
    if typed != changes["username"]:
        changes["typed"] = typed  # another spelling: evidence worth keeping
    record("auth.login_failed", subject, actor=None, reason=reason, changes=changes)
    locked_now = False
    if user is not None:
        user.failed_logins = _recent(username=key)
        limit = settings.TAIZHANG_LOGIN_MAX_FAILURES_PER_USER
        if limit > 0 and user.failed_logins >= limit and not user_locked(user):
            user.locked_at = timezone.now()
            locked_now = True
            record("auth.locked_out", user, actor=None,
                   changes={"failed_logins": user.failed_logins, "address": address})
        user.save(update_fields=["failed_logins", "locked_at"])
    return FailureOutcome(user_locked=locked_now or bool(user and user_locked(user)),
                          address_locked=address_locked(address))


def register_success(user: User) -> None:
    """A successful login starts the count for this account afresh."""
    LoginFailure.objects.filter(username=user.username_key, cleared=False).update(cleared=True)
    if user.failed_logins or user.locked_at:
        user.failed_logins = 0
        user.locked_at = None
        user.save(update_fields=["failed_logins", "locked_at"])


def _require_office_over(actor: Any, user: User | None = None) -> None:
    # The office's pages open to its role (an unplaced office admin finds no account there);
    # an account is reached only as `accounts.scope` says.
    if not (actor and actor.is_authenticated and actor.is_active and actor.is_office):
        raise PermissionDenied
    if user is not None and not manages_account(actor, user):
        raise PermissionDenied


def users_for_office(actor: Any) -> Any:
    """Accounts an office may unlock: its division and everything below."""
    _require_office_over(actor)
    return User.objects.select_related("division", "person").filter(office_accounts_q(actor))


@transaction.atomic
def unlock_user(user: User, *, actor: Any) -> None:
    """The office lifts a lockout; the account's recent failures no longer count."""
    _require_office_over(actor, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    was = {"locked_at": user.locked_at, "failed_logins": user.failed_logins}
    LoginFailure.objects.filter(username=user.username_key, cleared=False).update(cleared=True)
    user.locked_at = None
    user.failed_logins = 0
    user.save(update_fields=["failed_logins", "locked_at"])
    record("auth.unlocked", user, actor=actor,
           changes={"locked_at": [was["locked_at"], None],
                    "failed_logins": [was["failed_logins"], 0]})


@transaction.atomic
def unlock_address(address: str, *, actor: Any) -> int:
    """The office clears an address's recent failures (e.g. a shared office gateway).

    An address is not tied to a division, so only an account that acts for an office may
    clear one: an office administrator not yet placed in a division acts for nobody."""
    if not acts_for_office(actor):
        raise PermissionDenied
    failures = list(LoginFailure.objects.filter(address=address, cleared=False))
    LoginFailure.objects.filter(pk__in=[f.pk for f in failures]).update(cleared=True)
    if failures:
        record("auth.address_unlocked", failures[0], actor=actor,
               changes={"address": address, "failures_cleared": len(failures)})
    return len(failures)


def locked_addresses() -> list[tuple[str, int]]:
    """Addresses refused right now, with their number of failures in the window."""
    from django.db.models import Count

    limit = settings.TAIZHANG_LOGIN_MAX_FAILURES_PER_ADDRESS
    if limit <= 0:
        return []
    rows = (LoginFailure.objects.filter(cleared=False, at__gte=_window_start(),
                                        address__isnull=False)
            .values("address").annotate(n=Count("id")).filter(n__gte=limit).order_by("-n"))
    return [(r["address"], r["n"]) for r in rows]
