"""Every external service has a bound: the cache server's connect and read timeouts, the
database's connect and statement timeouts (docs/deploy.md, *Timeouts*). The cache server
that hangs for real: tests/faults/test_cache_hangs.py."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection
from django.db.backends.postgresql.base import DatabaseWrapper

from taizhang.core.dberrors import kind_of
from taizhang.env import add_postgres_timeouts, envcache


def test_a_redis_cache_gets_both_timeouts(monkeypatch):
    monkeypatch.setenv("CACHE_URL", "redis://cache-host:6379/1")
    config = envcache("CACHE_URL", "locmem://", connect_timeout=0.25, read_timeout=0.75)
    assert config["OPTIONS"] == {"socket_connect_timeout": 0.25, "socket_timeout": 0.75}


def test_a_cache_without_a_timeout_stops_the_process(monkeypatch):
    from taizhang.env import ConfigError

    monkeypatch.setenv("CACHE_URL", "redis://cache-host:6379/1")
    with pytest.raises(ConfigError):
        envcache("CACHE_URL", "locmem://", connect_timeout=0.5, read_timeout=0)


def test_the_settings_give_the_cache_and_the_database_their_timeouts(settings):
    assert settings.TAIZHANG_CACHE_CONNECT_TIMEOUT == 0.5
    assert settings.TAIZHANG_CACHE_READ_TIMEOUT == 0.5
    options = settings.DATABASES["default"].get("OPTIONS", {})
    if connection.vendor == "postgresql":
        assert options["connect_timeout"] == settings.TAIZHANG_DB_CONNECT_TIMEOUT
        assert options["keepalives"] == 1
        assert "-c statement_timeout=60000" in options["options"]
    else:  # SQLite's bound is its lock wait, TAIZHANG_SQLITE_TIMEOUT
        assert "connect_timeout" not in options and "options" not in options


def test_what_the_database_url_says_wins():
    database = {"ENGINE": "django.db.backends.postgresql",
                "OPTIONS": {"connect_timeout": 2, "options": "-c search_path=ledger"}}
    add_postgres_timeouts(database, connect=5, statement=30)
    assert database["OPTIONS"]["connect_timeout"] == 2
    assert database["OPTIONS"]["options"] == "-c search_path=ledger -c statement_timeout=30000"
    no_limit = {"ENGINE": "django.db.backends.postgresql"}
    add_postgres_timeouts(no_limit, connect=5, statement=0)
    assert "options" not in no_limit["OPTIONS"]


@pytest.mark.django_db
def test_a_statement_that_runs_too_long_is_stopped_as_a_busy_database():
    if connection.vendor != "postgresql":  # no statement timeout in SQLite: nothing to run
        assert kind_of(Exception("canceling statement due to statement timeout")) == "busy"
        return
    settings_dict = {**connection.settings_dict, "OPTIONS": {}}
    add_postgres_timeouts(settings_dict, connect=5, statement=1)
    limited = DatabaseWrapper(settings_dict, alias="limited")
    try:
        with pytest.raises(OperationalError) as caught, limited.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(3)")
    finally:
        limited.close()
    assert "statement timeout" in str(caught.value)
    assert kind_of(caught.value) == "busy"


@pytest.mark.django_db
def test_the_jit_is_off_unless_the_database_url_says_otherwise(settings):
    from taizhang.env import turn_off_postgres_jit

    if connection.vendor == "postgresql":
        assert "-c jit=off" in settings.DATABASES["default"]["OPTIONS"]["options"]
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"
    database = {"ENGINE": "django.db.backends.postgresql",
                "OPTIONS": {"options": "-c jit=on"}}
    turn_off_postgres_jit(database)
    assert database["OPTIONS"]["options"] == "-c jit=on"
    sqlite = {"ENGINE": "django.db.backends.sqlite3"}
    turn_off_postgres_jit(sqlite)
    assert "OPTIONS" not in sqlite
