"""Password policy: character classes, expiry, forced change, and the user's own change."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from taizhang.accounts.models import User
from taizhang.core.audit.service import record

_CLASSES = (str.islower, str.isupper, str.isdigit)


def character_classes(password: str) -> int:
    """How many of lower case, upper case, digits and other characters appear."""
    found = {i for ch in password for i, test in enumerate(_CLASSES) if test(ch)}
    # "Other": punctuation, spaces, and Chinese characters (neither case nor digit).
    if any(not any(test(ch) for test in _CLASSES) for ch in password):
        found.add(len(_CLASSES))
    return len(found)


class CharacterClassValidator:
    """At least N of four kinds of character (the usual 等保 rule: three of four)."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = max(0, min(min_classes, 4))

    def validate(self, password: str, user: Any = None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return ngettext(
            "Your password must mix at least %(n)d kind of character: lower-case letters, "
            "upper-case letters, digits, other characters.",
            "Your password must mix at least %(n)d kinds of character: lower-case letters, "
            "upper-case letters, digits, other characters.",
            self.min_classes,
        ) % {"n": self.min_classes}


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule with a message of our own: Django 5.2 reworded its message and the
    Chinese catalogue shipped with it has no translation for the new words, so the Chinese
    interface said "This password is too short" in English."""

    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short: it must have at least %(n)d character.",
            "This password is too short: it must have at least %(n)d characters.",
            self.min_length,
        ) % {"n": self.min_length}


def password_expired(user: User) -> bool:
    days = settings.TAIZHANG_PASSWORD_MAX_AGE_DAYS
    changed = user.password_changed_at
    return bool(days > 0 and changed and timezone.now() >= changed + timedelta(days=days))


def must_change_password(user: Any) -> bool:
    """Set by someone else (never changed by the user), or older than the maximum age."""
    # An empty password (a user made with the ORM) is "usable" to Django but matches nothing:
    # such an account cannot log in with a password, so there is nothing to change.
    if (not getattr(user, "is_authenticated", False) or not user.password
            or not user.has_usable_password()):
        return False
    return user.password_changed_at is None or password_expired(user)


@transaction.atomic
def change_own_password(user: User, old_password: str, new_password: str) -> None:
    """The user changes their own password: checked against the policy, recorded, audited.

    Raises ValidationError (field-keyed) when the old password is wrong or the new one is weak.
    """
    if not user.check_password(old_password):
        raise ValidationError({"old_password": _("The current password is not correct.")})
    if old_password == new_password:
        raise ValidationError({"new_password1": _("Choose a password different from the "
                                                  "current one.")})
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password1": exc.messages}) from exc
    was_forced = must_change_password(user)
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at"])
    record("auth.password_changed", user, actor=user,
           reason="forced" if was_forced else "")


def mark_password_as_chosen(user: User) -> None:
    """For accounts whose password is known on purpose (demo scenario, test personas)."""
    user.password_changed_at = timezone.now()
