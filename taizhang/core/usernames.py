"""Usernames as one identity (the rule itself; `taizhang.accounts.identity` applies it).

Usernames are case-insensitive and compared after Unicode NFKC normalisation: `leader`,
`LEADER` and the full-width `ｌｅａｄｅｒ` are one account. It lives in core because the audit
(a core mechanism) looks people up by it too.
"""

from __future__ import annotations

import unicodedata

# Room for a 150-character username after case folding (which may triple a character).
KEY_MAX_LENGTH = 450


def normalize_username(username: str) -> str:
    """The stored spelling: NFKC (what Django's forms and AbstractBaseUser already apply)."""
    return unicodedata.normalize("NFKC", username)


def login_key(username: str) -> str:
    """The identity a username stands for: NFKC, case-folded, trimmed.

    NFKC again after case folding: folding can produce characters NFKC would rewrite, and
    the key must be stable (login_key(login_key(x)) == login_key(x)).
    """
    folded = normalize_username(username).casefold()
    return unicodedata.normalize("NFKC", folded).strip()[:KEY_MAX_LENGTH]
