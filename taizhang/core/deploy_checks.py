"""What production requires of the settings, as registered Django deployment checks.

`manage.py check --deploy`, `taizhang check-deploy` and the WSGI start (taizhang/wsgi.py) all
take their verdict from `verdict()`: Django's own checks, deployment checks included, with
the warnings listed in `deploy_policy.ESCALATED` restated here as errors. Any message at
ERROR refuses production; a WARNING is reported only. Each message names the setting (its
`obj`) and what to do, so an operator can fix them all in one pass.

A new check: a function below decorated `@register(Tags.security, deploy=True)` returning
`_error(...)` / `_warning(...)` with the next free id (taizhang.E0nn / taizhang.W0nn).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import (
    WARNING,
    CheckMessage,
    Error,
    Tags,
    Warning,
    register,
    run_checks,
)
from django.core.checks.registry import registry

from taizhang.core.deploy_policy import ESCALATED

_DEV_SECRET_PREFIX = "dev-only-insecure"  # settings._DEV_SECRET
_MIN_HSTS_SECONDS = 180 * 24 * 3600  # browsers and 等保 reviews expect months, not minutes

Found = list[CheckMessage]
AppConfigs = Sequence[AppConfig] | None


def _error(id: str, setting: str, message: str) -> Error:
    return Error(message, obj=setting, id=f"taizhang.{id}")


def _warning(id: str, setting: str, message: str) -> Warning:
    return Warning(message, obj=setting, id=f"taizhang.{id}")


# Django's own security checks, at the level our policy gives them.

@register(Tags.security, deploy=True)
def restate_django_security(app_configs: AppConfigs, **kwargs: Any) -> Found:
    """Django's deployment warnings that refuse production here, as errors (deploy_policy)."""
    found: Found = []
    for check in _django_security_checks():
        for message in check(app_configs=app_configs, databases=None):
            restated = ESCALATED.get(message.id or "")
            if restated and all(f.id != restated.id for f in found):
                found.append(Error(restated.message, obj=restated.setting, id=restated.id,
                                   hint=f"Django's {message.id}: {message.msg}"))
    return found


def _django_security_checks() -> list[Callable[..., Found]]:
    return [check for check in registry.get_checks(include_deployment_checks=True)
            if getattr(check, "__module__", "").startswith("django.core.checks.security")]


# Secret and mode.

@register(Tags.security, deploy=True)
def check_secret_and_mode(app_configs: AppConfigs, **kwargs: Any) -> Found:
    found: Found = []
    if getattr(settings, "TAIZHANG_SECRET_MISSING", False):
        found.append(_error("E001", "SECRET_KEY", "not set; set SECRET_KEY or SECRET_KEY_FILE "
                                                  "(a random 50+ characters)"))
    elif str(settings.SECRET_KEY).startswith(_DEV_SECRET_PREFIX):
        found.append(_error("E002", "SECRET_KEY", "is the development key; generate a random "
                                                  "one for production"))
    if getattr(settings, "TAIZHANG_DEV", False):
        found.append(_error("E003", "TAIZHANG_DEV", "is set; it allows the development key: "
                                                    "unset it"))
    return found


# Hosts and HTTPS (beyond Django's own).

@register(Tags.security, deploy=True)
def check_hosts_and_https(app_configs: AppConfigs, **kwargs: Any) -> Found:
    found: Found = []
    if any(h in ("*", ".") or h.startswith("*") for h in settings.ALLOWED_HOSTS):
        found.append(_error("E004", "ALLOWED_HOSTS", "contains a wildcard; list the site's "
                                                     "host names"))
    if 0 < settings.SECURE_HSTS_SECONDS < _MIN_HSTS_SECONDS:
        found.append(_warning("W001", "SECURE_HSTS_SECONDS", "is shorter than 180 days"))
    if (getattr(settings, "TAIZHANG_PROXY_COUNT", 0) > 0
            and not getattr(settings, "SECURE_PROXY_SSL_HEADER", None)):
        found.append(_error("E005", "SECURE_PROXY_SSL_HEADER",
                            "is not set although TAIZHANG_PROXY_COUNT says a proxy terminates "
                            "TLS"))
    if "taizhang.web.middleware.SecurityHeadersMiddleware" not in settings.MIDDLEWARE:
        found.append(_error("E006", "MIDDLEWARE",
                            "lacks taizhang.web.middleware.SecurityHeadersMiddleware (CSP)"))
    return found


# Login policy (等保: identification and authentication).

@register(Tags.security, deploy=True)
def check_login_policy(app_configs: AppConfigs, **kwargs: Any) -> Found:
    s = settings
    found: Found = []
    if s.TAIZHANG_LOGIN_MAX_FAILURES_PER_USER <= 0:
        found.append(_error("E007", "TAIZHANG_LOGIN_MAX_FAILURES_PER_USER",
                            "is 0; accounts are never locked"))
    if s.TAIZHANG_LOGIN_MAX_FAILURES_PER_ADDRESS <= 0:
        found.append(_warning("W002", "TAIZHANG_LOGIN_MAX_FAILURES_PER_ADDRESS",
                              "is 0; addresses are never refused"))
    if s.TAIZHANG_PASSWORD_MIN_LENGTH < 8:
        found.append(_error("E008", "TAIZHANG_PASSWORD_MIN_LENGTH", "is below 8"))
    if s.TAIZHANG_PASSWORD_CHARACTER_CLASSES < 3:
        found.append(_warning("W003", "TAIZHANG_PASSWORD_CHARACTER_CLASSES",
                              "is below 3 (等保 reviews ask for three kinds of character)"))
    if s.TAIZHANG_PASSWORD_MAX_AGE_DAYS <= 0:
        found.append(_warning("W004", "TAIZHANG_PASSWORD_MAX_AGE_DAYS",
                              "is 0; passwords never expire"))
    if s.TAIZHANG_SESSION_IDLE_MINUTES <= 0:
        found.append(_error("E009", "TAIZHANG_SESSION_IDLE_MINUTES",
                            "is 0; sessions never time out"))
    elif s.TAIZHANG_SESSION_IDLE_MINUTES > 120:
        found.append(_warning("W005", "TAIZHANG_SESSION_IDLE_MINUTES",
                              "is longer than two hours"))
    if not s.TAIZHANG_TOTP_REQUIRED_FOR_OFFICE:
        found.append(_warning("W006", "TAIZHANG_TOTP_REQUIRED_FOR_OFFICE",
                              "is off; 等保 level 3 asks for two factors for administrators"))
    return found


# Storage.

@register(Tags.security, deploy=True)
def check_storage(app_configs: AppConfigs, **kwargs: Any) -> Found:
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        return [_warning("W007", "DATABASE_URL", "is SQLite; use PostgreSQL in production (a "
                                                 "trial may use SQLite)")]
    return []


# The verdict, shared by `check --deploy`, `taizhang check-deploy` and the WSGI start.

def verdict() -> Found:
    """Every message of every check, deployment checks included, unless silenced; errors first.

    No database is queried (as `check --deploy` without --database)."""
    found = [m for m in run_checks(include_deployment_checks=True)
             if m.is_serious(WARNING) and not m.is_silenced()]
    return sorted(found, key=lambda m: -m.level)


def errors() -> Found:
    """What refuses production."""
    return [m for m in verdict() if m.is_serious()]


def describe(message: CheckMessage) -> str:
    """One line: level, the setting (or Django's id), what to do, the check's id."""
    level = "ERROR" if message.is_serious() else "WARNING"
    if isinstance(message.obj, str):
        return f"{level} {message.obj}: {message.msg} ({message.id})"
    if message.obj is None:
        return f"{level} {message.id}: {message.msg}"
    return f"{level} {message}"
