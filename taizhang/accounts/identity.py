"""One identity per login name: the rule every login path, lock, counter and audit applies.

Usernames are case-insensitive and compared after Unicode NFKC normalisation, so `leader`,
`Leader`, `LEADER` and the full-width `ｌｅａｄｅｒ` are one account. A clerk reads `Leader`
and `leader` as the same name; letting them be two accounts (or letting one lock not cover
the other) is a trap. The name is still stored as the administrator typed it (NFKC), for
display; `login_key` is what lookups, uniqueness and failure counts use. It is the same
folding Django applies when it matches e-mail addresses for a password reset.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from taizhang.core.usernames import KEY_MAX_LENGTH, login_key, normalize_username

__all__ = ["KEY_MAX_LENGTH", "ensure_username_free", "login_key", "normalize_username"]


def ensure_username_free(username: str, *, exclude_pk: int | None = None) -> None:
    """Refuse a name that is another account's name in another spelling (or the same one)."""
    from taizhang.accounts.models import User

    taken = User.objects.filter(username_key=login_key(username))
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    clash = taken.values_list("username", flat=True).first()
    if clash is not None:
        raise ValidationError(
            {"username": _("This username is already taken by %(name)s (usernames are the "
                           "same whatever the case or the width of the letters).")
             % {"name": clash}},
            code="username_taken",
        )
