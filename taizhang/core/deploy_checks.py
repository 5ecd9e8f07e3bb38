"""What production mode requires of the settings: `taizhang check-deploy` and the WSGI start.

Each problem names the setting and what to do, so an operator can fix them all in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ERROR = "error"
WARNING = "warning"
_MIN_SECRET_LENGTH = 50
_MIN_SECRET_CHARACTERS = 5
_MIN_HSTS_SECONDS = 180 * 24 * 3600  # browsers and 等保 reviews expect months, not minutes


@dataclass(frozen=True)
class Problem:
    level: str  # ERROR refuses to start; WARNING is reported only
    setting: str
    message: str

    def __str__(self) -> str:
        return f"{self.level.upper()} {self.setting}: {self.message}"


def problems(s: Any) -> list[Problem]:
    """Every problem of the settings object `s` for running in production."""
    found: list[Problem] = []

    def error(setting: str, message: str) -> None:
        found.append(Problem(ERROR, setting, message))

    def warning(setting: str, message: str) -> None:
        found.append(Problem(WARNING, setting, message))

    # Secret and mode.
    secret = str(getattr(s, "SECRET_KEY", "") or "")
    if getattr(s, "TAIZHANG_SECRET_MISSING", False):
        error("SECRET_KEY", "not set; set SECRET_KEY or SECRET_KEY_FILE (a random 50+ characters)")
    elif secret.startswith(("dev-only-insecure", "django-insecure")):
        error("SECRET_KEY", "is the development key; generate a random one for production")
    elif len(secret) < _MIN_SECRET_LENGTH or len(set(secret)) < _MIN_SECRET_CHARACTERS:
        error("SECRET_KEY", f"too short or too simple (at least {_MIN_SECRET_LENGTH} random "
                            "characters)")
    if s.DEBUG:
        error("DEBUG", "is on; it shows tracebacks and settings to anyone: set DEBUG=0")
    if getattr(s, "TAIZHANG_DEV", False):
        error("TAIZHANG_DEV", "is set; it allows the development key: unset it")

    # Hosts.
    hosts = list(s.ALLOWED_HOSTS)
    if not hosts:
        error("ALLOWED_HOSTS", "is empty; list the site's host names")
    elif any(h in ("*", ".") or h.startswith("*") for h in hosts):
        error("ALLOWED_HOSTS", "contains a wildcard; list the site's host names")

    # HTTPS.
    if not s.SECURE_SSL_REDIRECT:
        error("SECURE_SSL_REDIRECT", "is off; plain-http requests must be redirected to https")
    if s.SECURE_HSTS_SECONDS <= 0:
        error("SECURE_HSTS_SECONDS", "is not set; set it (e.g. 31536000) so browsers only use "
                                     "https")
    elif s.SECURE_HSTS_SECONDS < _MIN_HSTS_SECONDS:
        warning("SECURE_HSTS_SECONDS", "is shorter than 180 days")
    if not s.SESSION_COOKIE_SECURE:
        error("SESSION_COOKIE_SECURE", "is off; the session cookie would travel over http")
    if not s.CSRF_COOKIE_SECURE:
        error("CSRF_COOKIE_SECURE", "is off; the CSRF cookie would travel over http")
    if getattr(s, "TAIZHANG_PROXY_COUNT", 0) > 0 and not getattr(s, "SECURE_PROXY_SSL_HEADER",
                                                                  None):
        error("SECURE_PROXY_SSL_HEADER", "is not set although TAIZHANG_PROXY_COUNT says a "
                                         "proxy terminates TLS")
    if not getattr(s, "SESSION_COOKIE_HTTPONLY", False):
        error("SESSION_COOKIE_HTTPONLY", "is off; scripts could read the session cookie")
    if getattr(s, "X_FRAME_OPTIONS", "") != "DENY":
        error("X_FRAME_OPTIONS", "must be DENY (no framing of the ledger)")
    if not getattr(s, "SECURE_CONTENT_TYPE_NOSNIFF", False):
        error("SECURE_CONTENT_TYPE_NOSNIFF", "is off")
    if "taizhang.web.middleware.SecurityHeadersMiddleware" not in s.MIDDLEWARE:
        error("MIDDLEWARE", "lacks taizhang.web.middleware.SecurityHeadersMiddleware (CSP)")

    # Login policy (等保: identification and authentication).
    if s.TAIZHANG_LOGIN_MAX_FAILURES_PER_USER <= 0:
        error("TAIZHANG_LOGIN_MAX_FAILURES_PER_USER", "is 0; accounts are never locked")
    if s.TAIZHANG_LOGIN_MAX_FAILURES_PER_ADDRESS <= 0:
        warning("TAIZHANG_LOGIN_MAX_FAILURES_PER_ADDRESS", "is 0; addresses are never refused")
    if s.TAIZHANG_PASSWORD_MIN_LENGTH < 8:
        error("TAIZHANG_PASSWORD_MIN_LENGTH", "is below 8")
    if s.TAIZHANG_PASSWORD_CHARACTER_CLASSES < 3:
        warning("TAIZHANG_PASSWORD_CHARACTER_CLASSES", "is below 3 (等保 reviews ask for three "
                                                       "kinds of character)")
    if s.TAIZHANG_PASSWORD_MAX_AGE_DAYS <= 0:
        warning("TAIZHANG_PASSWORD_MAX_AGE_DAYS", "is 0; passwords never expire")
    if s.TAIZHANG_SESSION_IDLE_MINUTES <= 0:
        error("TAIZHANG_SESSION_IDLE_MINUTES", "is 0; sessions never time out")
    elif s.TAIZHANG_SESSION_IDLE_MINUTES > 120:
        warning("TAIZHANG_SESSION_IDLE_MINUTES", "is longer than two hours")
    if not s.TAIZHANG_TOTP_REQUIRED_FOR_OFFICE:
        warning("TAIZHANG_TOTP_REQUIRED_FOR_OFFICE", "is off; 等保 level 3 asks for two "
                                                     "factors for administrators")

    # Storage.
    engine = s.DATABASES["default"]["ENGINE"]
    if engine.endswith("sqlite3"):
        warning("DATABASE_URL", "is SQLite; use PostgreSQL in production (a trial may use "
                                "SQLite)")
    return found


def errors(s: Any) -> list[Problem]:
    return [p for p in problems(s) if p.level == ERROR]
