"""Django settings, read from the environment (see README: Configuration)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import dj_database_url

from taizhang.core.deploy_policy import SILENCED_DJANGO_CHECKS
from taizhang.env import (
    ConfigError,
    add_postgres_timeouts,
    envbool,
    envcache,
    envfloat,
    envint,
    envlist,
    envstr,
    turn_off_postgres_jit,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("TAIZHANG_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = envbool("DEBUG", False)
TAIZHANG_DEV = envbool("TAIZHANG_DEV", False)
# Production mode: what `taizhang check-deploy` checks and the WSGI entry point insists on.
TAIZHANG_PRODUCTION = not DEBUG and not TAIZHANG_DEV
_DEV_SECRET = "dev-only-insecure-secret-key-do-not-use-in-production"
SECRET_KEY = envstr("SECRET_KEY")
_LOCAL_SECRET = VAR_DIR / "secret_key"  # written by `make setup` for this installation only
if not SECRET_KEY and _LOCAL_SECRET.is_file():
    SECRET_KEY = _LOCAL_SECRET.read_text(encoding="utf-8").strip()
# `taizhang check-deploy` must load without a secret so it can report that with the rest.
_CHECKING_DEPLOY = (sys.argv[1:2] == ["check-deploy"]
                    or (sys.argv[1:2] == ["check"] and "--deploy" in sys.argv))
TAIZHANG_SECRET_MISSING = not SECRET_KEY
if not SECRET_KEY:
    if TAIZHANG_PRODUCTION and not _CHECKING_DEPLOY:
        raise ConfigError(
            "SECRET_KEY is not set. Set SECRET_KEY (or SECRET_KEY_FILE) for production, run "
            "`make setup` (writes var/secret_key), or set DEBUG=1 / TAIZHANG_DEV=1."
        )
    SECRET_KEY = _DEV_SECRET

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Before taizhang.jobs, whose admin module takes the queue's table out of the admin.
    "django_tasks",
    "django_tasks_db",
    "taizhang.core",
    "taizhang.accounts",
    "taizhang.notices",
    "taizhang.jobs",
    "taizhang.ledger",
    "taizhang.stats",
    "taizhang.warnings",
    "taizhang.dispatch",
    "taizhang.procedures",
    "taizhang.attraction",
    "taizhang.financing",
    "taizhang.land",
    "taizhang.policies",
    "taizhang.office",
    "taizhang.scenarios",
    "taizhang.cockpit",
    "taizhang.assessment",
    "taizhang.bulletin",
    "taizhang.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "taizhang.core.middleware.LanguageMiddleware",
    # Input hardening: TRACE/TRACK/CONNECT and NUL characters refused before any view.
    "taizhang.core.middleware.RefuseInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "taizhang.web.middleware.SecurityHeadersMiddleware",
    "taizhang.core.middleware.RequestContextMiddleware",
    "taizhang.accounts.security.middleware.LoginPolicyMiddleware",
    "taizhang.accounts.security.middleware.PermissionDeniedAuditMiddleware",
    # Last, so its process_exception sees a view's database failure first.
    "taizhang.core.middleware.DatabaseErrorMiddleware",
]

ROOT_URLCONF = "taizhang.urls"
WSGI_APPLICATION = "taizhang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Operations: every external service answers within a bound, so one that hangs costs a
# request a moment, not a worker (docs/deploy.md, *Timeouts*). Seconds. The cache: connect
# and read timeouts of a cache server, and how long a process leaves the cache alone after
# it failed (figures are computed meanwhile). PostgreSQL: connect timeout, and the longest a
# statement may run (0: no limit), below gunicorn's worker timeout so a slow query ends as
# the "database busy" page rather than a killed worker.
TAIZHANG_CACHE_CONNECT_TIMEOUT = envfloat("TAIZHANG_CACHE_CONNECT_TIMEOUT", 0.5)
TAIZHANG_CACHE_READ_TIMEOUT = envfloat("TAIZHANG_CACHE_READ_TIMEOUT", 0.5)
TAIZHANG_CACHE_RETRY_SECONDS = envint("TAIZHANG_CACHE_RETRY_SECONDS", 30)
TAIZHANG_DB_CONNECT_TIMEOUT = envint("TAIZHANG_DB_CONNECT_TIMEOUT", 5)
TAIZHANG_DB_STATEMENT_TIMEOUT = envint("TAIZHANG_DB_STATEMENT_TIMEOUT", 60)

# SQLite by default so a fresh clone runs with no server; PostgreSQL in production.
_DEFAULT_DB_URL = f"sqlite:///{VAR_DIR / 'taizhang.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(envstr("DATABASE_URL", _DEFAULT_DB_URL), conn_max_age=60)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run while a writer commits; IMMEDIATE avoids upgrade deadlocks.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": envint("TAIZHANG_SQLITE_TIMEOUT", 20),  # seconds to wait for a lock
    }

add_postgres_timeouts(DATABASES["default"], connect=TAIZHANG_DB_CONNECT_TIMEOUT,
                      statement=TAIZHANG_DB_STATEMENT_TIMEOUT)
turn_off_postgres_jit(DATABASES["default"])

# A PostgreSQL streaming replica for reports (statistics, exports); see core/routers.py.
_REPLICA_URL = envstr("DATABASE_REPLICA_URL")
if _REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(_REPLICA_URL, conn_max_age=60)
    add_postgres_timeouts(DATABASES["replica"], connect=TAIZHANG_DB_CONNECT_TIMEOUT,
                          statement=TAIZHANG_DB_STATEMENT_TIMEOUT)
    turn_off_postgres_jit(DATABASES["replica"])
    # Tests run against the primary's test database; the replica mirrors it.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["taizhang.core.routers.ReplicaRouter"]

# The list page's statistics are cached under the data version (stats/cache.py), so an entry
# is never stale whichever cache holds it: local memory per process by default; Redis or a
# database table (CACHE_URL) to share entries between processes and hosts (docs/deploy.md).
CACHES = {"default": envcache("CACHE_URL", "locmem://",
                              connect_timeout=TAIZHANG_CACHE_CONNECT_TIMEOUT,
                              read_timeout=TAIZHANG_CACHE_READ_TIMEOUT)}
STATS_CACHE_SECONDS = envint("STATS_CACHE_SECONDS", 3600)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["taizhang.accounts.backends.OfficeAdminBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login security (docs/security.md). Lockout: failures within the window, per username
# and per client address; a locked account stays locked for LOCKOUT minutes (0: until the
# office unlocks it). Proxy count: reverse proxies in front (nginx = 1), for the client address.
TAIZHANG_LOGIN_MAX_FAILURES_PER_USER = envint("TAIZHANG_LOGIN_MAX_FAILURES_PER_USER", 5)
TAIZHANG_LOGIN_MAX_FAILURES_PER_ADDRESS = envint("TAIZHANG_LOGIN_MAX_FAILURES_PER_ADDRESS", 20)
TAIZHANG_LOGIN_FAILURE_WINDOW_MINUTES = envint("TAIZHANG_LOGIN_FAILURE_WINDOW_MINUTES", 15)
TAIZHANG_LOGIN_LOCKOUT_MINUTES = envint("TAIZHANG_LOGIN_LOCKOUT_MINUTES", 30)
TAIZHANG_PROXY_COUNT = envint("TAIZHANG_PROXY_COUNT", 0)
TAIZHANG_PASSWORD_MIN_LENGTH = envint("TAIZHANG_PASSWORD_MIN_LENGTH", 10)
TAIZHANG_PASSWORD_CHARACTER_CLASSES = envint("TAIZHANG_PASSWORD_CHARACTER_CLASSES", 3)
TAIZHANG_PASSWORD_MAX_AGE_DAYS = envint("TAIZHANG_PASSWORD_MAX_AGE_DAYS", 90)  # 0: never expires
TAIZHANG_TOTP_REQUIRED_FOR_OFFICE = envbool("TAIZHANG_TOTP_REQUIRED_FOR_OFFICE", False)
TAIZHANG_TOTP_ISSUER = envstr("TAIZHANG_TOTP_ISSUER", "taizhang")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Ours: Django's own message has no Chinese translation (accounts/security/passwords.py).
    {"NAME": "taizhang.accounts.security.passwords.MinimumLengthValidator",
     "OPTIONS": {"min_length": TAIZHANG_PASSWORD_MIN_LENGTH}},
    {"NAME": "taizhang.accounts.security.passwords.CharacterClassValidator",
     "OPTIONS": {"min_classes": TAIZHANG_PASSWORD_CHARACTER_CLASSES}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions end after this much inactivity (sliding: each request moves the end), and with
# the browser unless SESSION_EXPIRE_AT_BROWSER_CLOSE=0.
TAIZHANG_SESSION_IDLE_MINUTES = envint("TAIZHANG_SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = TAIZHANG_SESSION_IDLE_MINUTES * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = envbool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "taizhang" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(VAR_DIR / "media")))

# Photos attached to monthly reports.
TAIZHANG_MAX_PHOTOS = 20
TAIZHANG_MAX_PHOTO_BYTES = envint("TAIZHANG_MAX_PHOTO_BYTES", 8 * 1024 * 1024)
TAIZHANG_MAX_PHOTO_PIXELS = envint("TAIZHANG_MAX_PHOTO_PIXELS", 50_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# E-mail (notices: reminders, returned and approved reports). Nothing is sent unless a mail
# server is named; the in-app notification is always made.
EMAIL_HOST = envstr("EMAIL_HOST")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "taizhang@localhost")
# The address links in e-mails start with (e.g. https://taizhang.example.gov.cn).
TAIZHANG_SITE_URL = envstr("TAIZHANG_SITE_URL")
# Audit events are kept at least this many months (never below 6: see core/audit/retention.py).
TAIZHANG_AUDIT_RETENTION_MONTHS = envint("TAIZHANG_AUDIT_RETENTION_MONTHS", 6)
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Input limits (hardening, core/limits.py): characters per long-text field — descriptions
# (a report's progress, problems and plans; a project's scale) and reasons (stage changes,
# returns, reverts); text columns keep their max_length. The audit keeps at most this many
# characters of any one value, marked as cut (never fewer than the longest field takes).
TAIZHANG_MAX_TEXT_CHARS = envint("TAIZHANG_MAX_TEXT_CHARS", 2000)
TAIZHANG_MAX_REASON_CHARS = envint("TAIZHANG_MAX_REASON_CHARS", 500)
TAIZHANG_MAX_AUDIT_VALUE_CHARS = envint("TAIZHANG_MAX_AUDIT_VALUE_CHARS", 4000)
# Limits of a spreadsheet import. A file over one is refused before
# the work it would cost; see taizhang/core/sheets/limits.py for what each one counts. The
# exporter's own 100,000-project sheet (the benchmarks import it: 31 columns) fits with room.
TAIZHANG_MAX_IMPORT_BYTES = envint("TAIZHANG_MAX_IMPORT_BYTES", 50 * 1024 * 1024)
TAIZHANG_IMPORT_MAX_ROWS = envint("TAIZHANG_IMPORT_MAX_ROWS", 200_000)
TAIZHANG_IMPORT_MAX_MERGED = envint("TAIZHANG_IMPORT_MAX_MERGED", 50_000)
# Cells (rows × columns) of one sheet; it bounds, before any parsing, an xlsx sheet's measured
# extent, the shared strings of a workbook (<si>, loaded whole by every reader) and a CSV's
# lines × widest line.
TAIZHANG_IMPORT_MAX_CELLS = envint("TAIZHANG_IMPORT_MAX_CELLS", 10_000_000)
TAIZHANG_IMPORT_MAX_UNZIPPED_BYTES = envint("TAIZHANG_IMPORT_MAX_UNZIPPED_BYTES", 512 << 20)
TAIZHANG_IMPORT_MAX_ZIP_RATIO = envint("TAIZHANG_IMPORT_MAX_ZIP_RATIO", 100)
# The preview page lists at most this many changes (and as many errors, and warnings).
TAIZHANG_IMPORT_PREVIEW_ROWS = envint("TAIZHANG_IMPORT_PREVIEW_ROWS", 500)
# An upload waiting for its confirm is deleted after this many hours (`taizhang purge-previews`).
TAIZHANG_IMPORT_PREVIEW_HOURS = envint("TAIZHANG_IMPORT_PREVIEW_HOURS", 24)

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", True)
# HTTPS: on by default in production mode; HSTS must be chosen explicitly (it sticks in
# browsers). Behind a TLS-terminating proxy the scheme comes from X-Forwarded-Proto.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", TAIZHANG_PRODUCTION)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
if TAIZHANG_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Django's deployment warnings that are errors here appear once, restated by
# core/deploy_checks.py as taizhang.E1xx (the policy: core/deploy_policy.py).
SILENCED_SYSTEM_CHECKS = SILENCED_DJANGO_CHECKS

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
}

# Background jobs (taizhang/jobs; docs/deploy.md, *Background jobs*): Django's Tasks API.
# "database" (default): a queue table in the database, run by `taizhang worker` (no other
# server). "redis": RQ on TAIZHANG_REDIS_URL (`taizhang worker` runs rqworker).
# "immediate": run in the request, for tests that need no worker.
TAIZHANG_TASKS_BACKEND = envstr("TAIZHANG_TASKS_BACKEND", "database")
TAIZHANG_REDIS_URL = envstr("TAIZHANG_REDIS_URL", "redis://127.0.0.1:6379/0")
TASKS: dict[str, dict[str, Any]]
if TAIZHANG_TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
elif TAIZHANG_TASKS_BACKEND == "redis":
    INSTALLED_APPS.append("django_rq")
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": TAIZHANG_REDIS_URL,
                             "DEFAULT_TIMEOUT": envint("TAIZHANG_JOBS_TIMEOUT", 3600)}}
elif TAIZHANG_TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    raise ConfigError(f"TAIZHANG_TASKS_BACKEND must be database, redis or immediate, not "
                      f"{TAIZHANG_TASKS_BACKEND!r}")
# A running job's worker touches its progress file this often; a job whose file is older
# than the lease (or whose worker process is gone, on the same machine) is failed as dead.
TAIZHANG_JOBS_HEARTBEAT_SECONDS = envfloat("TAIZHANG_JOBS_HEARTBEAT_SECONDS", 5)
TAIZHANG_JOBS_LEASE_SECONDS = envfloat("TAIZHANG_JOBS_LEASE_SECONDS", 60)
# An export of more projects than this runs as a background job; smaller ones download at once.
TAIZHANG_EXPORT_DIRECT_MAX_ROWS = envint("TAIZHANG_EXPORT_DIRECT_MAX_ROWS", 2000)
