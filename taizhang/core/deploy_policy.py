"""Which of Django's own deployment warnings refuse production here: the one place that says so.

Django's `check --deploy` warns about HTTPS, cookies, DEBUG and the secret; for a government
ledger these are not advice. Each warning below is silenced in its Django form (settings'
SILENCED_SYSTEM_CHECKS) and restated as a taizhang error naming the setting and the fix
(`deploy_checks.restate_django_security`). A Django warning not listed keeps Django's level.

Plain data without Django imports, so that settings.py can read it.
"""

from __future__ import annotations

from typing import NamedTuple


class Restated(NamedTuple):
    id: str  # our id: the error `check --deploy` and `taizhang check-deploy` print
    setting: str
    message: str


ESCALATED: dict[str, Restated] = {
    "security.W001": Restated("taizhang.E101", "MIDDLEWARE",
                              "lacks django.middleware.security.SecurityMiddleware"),
    "security.W002": Restated("taizhang.E102", "MIDDLEWARE",
                              "lacks django.middleware.clickjacking.XFrameOptionsMiddleware"),
    "security.W003": Restated("taizhang.E103", "MIDDLEWARE",
                              "lacks django.middleware.csrf.CsrfViewMiddleware"),
    "security.W004": Restated("taizhang.E104", "SECURE_HSTS_SECONDS",
                              "is not set; set it (e.g. 31536000) so browsers only use https"),
    "security.W006": Restated("taizhang.E106", "SECURE_CONTENT_TYPE_NOSNIFF", "is off"),
    "security.W008": Restated("taizhang.E108", "SECURE_SSL_REDIRECT",
                              "is off; plain-http requests must be redirected to https"),
    "security.W009": Restated("taizhang.E109", "SECRET_KEY",
                              "too short or too simple, or made by startproject (at least 50 "
                              "random characters)"),
    "security.W010": Restated("taizhang.E110", "SESSION_COOKIE_SECURE",
                              "is off; the session cookie would travel over http"),
    "security.W011": Restated("taizhang.E110", "SESSION_COOKIE_SECURE",
                              "is off; the session cookie would travel over http"),
    "security.W012": Restated("taizhang.E110", "SESSION_COOKIE_SECURE",
                              "is off; the session cookie would travel over http"),
    "security.W013": Restated("taizhang.E113", "SESSION_COOKIE_HTTPONLY",
                              "is off; scripts could read the session cookie"),
    "security.W014": Restated("taizhang.E113", "SESSION_COOKIE_HTTPONLY",
                              "is off; scripts could read the session cookie"),
    "security.W015": Restated("taizhang.E113", "SESSION_COOKIE_HTTPONLY",
                              "is off; scripts could read the session cookie"),
    "security.W016": Restated("taizhang.E116", "CSRF_COOKIE_SECURE",
                              "is off; the CSRF cookie would travel over http"),
    "security.W018": Restated("taizhang.E118", "DEBUG",
                              "is on; it shows tracebacks and settings to anyone: set DEBUG=0"),
    "security.W019": Restated("taizhang.E119", "X_FRAME_OPTIONS",
                              "must be DENY (no framing of the ledger)"),
    "security.W020": Restated("taizhang.E120", "ALLOWED_HOSTS",
                              "is empty; list the site's host names"),
}

# For settings.SILENCED_SYSTEM_CHECKS: Django's form of what is restated above.
SILENCED_DJANGO_CHECKS: list[str] = sorted(ESCALATED)
