"""`taizhang check-deploy` and the WSGI start refuse unsafe production settings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from taizhang.core.testing_env import child_env

ROOT = Path(__file__).resolve().parents[3]
SAFE = {
    "SECRET_KEY": "k3Jq9-vX2mPz8RtY4wLs7NbC6hGd1FeA0uIo5ZyTxQrWvEsUnM",
    "ALLOWED_HOSTS": "taizhang.example.gov.cn",
    "SECURE_HSTS_SECONDS": "31536000",
    "TAIZHANG_TOTP_REQUIRED_FOR_OFFICE": "1",
    "DATABASE_URL": "postgres://taizhang@db.example.gov.cn:5432/taizhang",
}
_CONFIG = ("SECRET_KEY", "SECRET_KEY_FILE", "DEBUG", "TAIZHANG_DEV", "ALLOWED_HOSTS",
           "DATABASE_URL", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE",
           "CSRF_COOKIE_SECURE", "TAIZHANG_PROXY_COUNT", "TAIZHANG_TOTP_REQUIRED_FOR_OFFICE",
           "TAIZHANG_SESSION_IDLE_MINUTES", "TAIZHANG_LOGIN_MAX_FAILURES_PER_USER",
           "TAIZHANG_PASSWORD_MIN_LENGTH", "DJANGO_SETTINGS_MODULE")


def _run(tmp_path, args, **env_vars):
    env = {k: v for k, v in child_env().items() if k not in _CONFIG}
    env["TAIZHANG_VAR_DIR"] = str(tmp_path)  # no var/secret_key there
    env.update(env_vars)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, check=False, timeout=120)


def _check_deploy(tmp_path, **env_vars):
    return _run(tmp_path, ["manage.py", "check-deploy"], **env_vars)


def test_safe_production_settings_pass(tmp_path):
    result = _check_deploy(tmp_path, **SAFE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Ready for production" in result.stdout


def test_unsafe_settings_are_each_named_and_fail(tmp_path):
    result = _check_deploy(
        tmp_path, SECRET_KEY="dev-only-insecure-secret-key-do-not-use-in-production",
        DEBUG="1", TAIZHANG_DEV="1", ALLOWED_HOSTS="*", SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0", CSRF_COOKIE_SECURE="0", TAIZHANG_SESSION_IDLE_MINUTES="0",
        TAIZHANG_LOGIN_MAX_FAILURES_PER_USER="0", TAIZHANG_PASSWORD_MIN_LENGTH="6",
    )
    assert result.returncode != 0
    out = result.stdout
    for problem in (
        "ERROR SECRET_KEY: is the development key",
        "ERROR DEBUG: is on",
        "ERROR TAIZHANG_DEV: is set",
        "ERROR ALLOWED_HOSTS: contains a wildcard",
        "ERROR SECURE_SSL_REDIRECT: is off",
        "ERROR SECURE_HSTS_SECONDS: is not set",
        "ERROR SESSION_COOKIE_SECURE: is off",
        "ERROR CSRF_COOKIE_SECURE: is off",
        "ERROR TAIZHANG_SESSION_IDLE_MINUTES: is 0",
        "ERROR TAIZHANG_LOGIN_MAX_FAILURES_PER_USER: is 0",
        "ERROR TAIZHANG_PASSWORD_MIN_LENGTH: is below 8",
        "WARNING TAIZHANG_TOTP_REQUIRED_FOR_OFFICE: is off",
        "WARNING DATABASE_URL: is SQLite",
    ):
        assert problem in out, f"{problem!r} missing from:\n{out}"
    assert "problem(s) must be fixed" in result.stderr


def test_a_missing_or_short_secret_is_reported_not_crashed_on(tmp_path):
    missing = _check_deploy(tmp_path, **{**SAFE, "SECRET_KEY": ""})
    assert missing.returncode != 0
    assert "ERROR SECRET_KEY: not set" in missing.stdout
    short = _check_deploy(tmp_path, **{**SAFE, "SECRET_KEY": "short-secret"})
    assert "ERROR SECRET_KEY: too short or too simple" in short.stdout
    empty_hosts = _check_deploy(tmp_path, **{**SAFE, "ALLOWED_HOSTS": ""})
    assert "ERROR ALLOWED_HOSTS: is empty" in empty_hosts.stdout


def test_behind_a_proxy_the_forwarded_scheme_is_trusted(tmp_path):
    result = _run(tmp_path, ["-c", "import taizhang.settings as s; "
                                   "print(s.SECURE_PROXY_SSL_HEADER)"],
                  **SAFE, TAIZHANG_PROXY_COUNT="1")
    assert "('HTTP_X_FORWARDED_PROTO', 'https')" in result.stdout


def test_the_wsgi_application_refuses_to_start_with_unsafe_production_settings(tmp_path):
    code = "import taizhang.wsgi"
    unsafe = _run(tmp_path, ["-c", code], **{**SAFE, "SECURE_HSTS_SECONDS": "0",
                                             "ALLOWED_HOSTS": "*"})
    assert unsafe.returncode != 0
    assert "Refusing to start" in unsafe.stderr
    assert "SECURE_HSTS_SECONDS" in unsafe.stderr and "ALLOWED_HOSTS" in unsafe.stderr
    safe = _run(tmp_path, ["-c", code], **SAFE)
    assert safe.returncode == 0, safe.stderr


def test_django_check_deploy_gives_the_same_verdict(tmp_path):
    unsafe = _run(tmp_path, ["manage.py", "check", "--deploy"],
                  **{**SAFE, "SECURE_SSL_REDIRECT": "0", "ALLOWED_HOSTS": "*"})
    assert unsafe.returncode != 0
    # Django's own W008 is restated once, as our error; the original is silenced.
    assert "SECURE_SSL_REDIRECT: (taizhang.E108) is off" in unsafe.stderr
    assert "ALLOWED_HOSTS: (taizhang.E004) contains a wildcard" in unsafe.stderr
    assert "(security.W008)" not in unsafe.stderr
    safe = _run(tmp_path, ["manage.py", "check", "--deploy"], **SAFE)
    assert safe.returncode == 0, safe.stdout + safe.stderr
    missing_secret = _run(tmp_path, ["manage.py", "check", "--deploy"],
                          **{**SAFE, "SECRET_KEY": ""})
    assert missing_secret.returncode != 0
    assert "SECRET_KEY: (taizhang.E001) not set" in missing_secret.stderr


def test_escalated_django_warnings_are_errors_in_the_verdict(settings):
    from taizhang.core.deploy_checks import errors, verdict
    from taizhang.core.deploy_policy import ESCALATED

    settings.SECURE_SSL_REDIRECT = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECRET_KEY = "django-insecure-" + "x" * 40
    ids = [m.id for m in verdict()]
    assert not set(ids) & set(ESCALATED), "Django's form of a restated check is silenced"
    error_ids = {m.id for m in errors()}
    assert {"taizhang.E108", "taizhang.E116", "taizhang.E109"} <= error_ids
    assert ids.count("taizhang.E109") == 1
    settings.SECURE_SSL_REDIRECT = True
    assert "taizhang.E108" not in {m.id for m in errors()}
