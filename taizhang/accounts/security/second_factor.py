"""Enrolling, checking and resetting the TOTP second factor of an account."""

from __future__ import annotations

import enum
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction

from taizhang.accounts.models import User
from taizhang.accounts.security import totp
from taizhang.core.audit.service import record


def required_for(user: Any) -> bool:
    """Office administrators (and superusers) must use one when the installation says so."""
    return bool(settings.TAIZHANG_TOTP_REQUIRED_FOR_OFFICE and user.is_office)


def start_enrolment(user: User) -> str:
    """A fresh secret for the user to add to their app; active only once confirmed."""
    if user.totp_confirmed:
        return user.totp_secret
    user.totp_secret = totp.new_secret()
    user.save(update_fields=["totp_secret"])
    return user.totp_secret


def provisioning_uri(user: User) -> str:
    return totp.provisioning_uri(user.totp_secret, user.username, settings.TAIZHANG_TOTP_ISSUER)


def qr_code_data_uri(uri: str) -> str:
    """The enrolment URI as a QR code (SVG in a data: URI, which the page's policy allows)."""
    import base64
    import io

    import segno

    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="svg", scale=5, border=3, xmldecl=False)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


class CodeCheck(enum.Enum):
    ACCEPTED = "accepted"
    # The right code, but its 30-second step was used already (replay protection): someone
    # who knows the code, not a guess, so it does not count towards the lock. Typically a
    # second person on a shared account; they wait for the next code.
    REUSED = "reused"
    WRONG = "wrong"


@transaction.atomic
def verify(user: User, code: str, *, address: str | None = None) -> CodeCheck:
    """Accept a code once: the step it belongs to is remembered, so replaying it fails."""
    user = User.objects.select_for_update().get(pk=user.pk)
    step = totp.matching_step(user.totp_secret, code, after_step=user.totp_last_step)
    if step is not None:
        User.objects.filter(pk=user.pk).update(totp_last_step=step)
        return CodeCheck.ACCEPTED
    if totp.matching_step(user.totp_secret, code) is not None:
        record("auth.totp_code_reused", user, actor=None, changes={"address": address})
        return CodeCheck.REUSED
    return CodeCheck.WRONG


@transaction.atomic
def confirm_enrolment(user: User, code: str) -> bool:
    """The first correct code from the app switches the second factor on."""
    if (not user.totp_secret or user.totp_confirmed
            or verify(user, code) is not CodeCheck.ACCEPTED):
        return False
    user.refresh_from_db(fields=["totp_last_step"])
    user.totp_confirmed = True
    user.save(update_fields=["totp_confirmed"])
    record("auth.totp_enabled", user, actor=user)
    return True


@transaction.atomic
def disable(user: User, *, actor: Any) -> None:
    """The user turns it off (if not required), or the office resets a lost phone."""
    own = actor.pk == user.pk
    if own and required_for(user):
        raise PermissionDenied
    if not own:
        from taizhang.accounts.security.lockout import users_for_office

        if not users_for_office(actor).filter(pk=user.pk).exists():
            raise PermissionDenied
    user.totp_secret = ""
    user.totp_confirmed = False
    user.totp_last_step = 0
    user.save(update_fields=["totp_secret", "totp_confirmed", "totp_last_step"])
    record("auth.totp_disabled", user, actor=actor)
