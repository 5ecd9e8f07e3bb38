"""Typed readers for settings that come from the environment.

Each helper reads one variable, falls back to a default and fails loudly on a value it cannot
understand, so a typo in a deployment stops the process instead of silently changing behaviour.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(RuntimeError):
    """A setting from the environment is missing or malformed."""


def envstr(name: str, default: str = "") -> str:
    """A string setting; `NAME_FILE` (a path) wins over `NAME`, for container secrets."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def envbool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc


def envfloat(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from exc


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# Django's default of 300 entries is less than one county's list pieces (stats/cache.py: a
# statistics piece and an order piece per slice of each division, 8 slices: 400 for a county
# of 24 townships); past the limit the backends cull a third of the entries at random. The
# entries are small (a piece of figures, or the ids of one slice of a division).
CACHE_MAX_ENTRIES = 100_000


def envcache(name: str, default: str, *, connect_timeout: float = 0.5,
             read_timeout: float = 0.5) -> dict[str, Any]:
    """A Django cache from a URL: `locmem://` (this process only), `redis://host:6379/1` (or
    `rediss://`, `unix://`; needs the `redis` package), `db://table` (after `taizhang
    createcachetable`) or `dummy://` (no caching).

    A cache server gets both timeouts (seconds): one that hangs must cost a request a
    fraction of a second, not the worker (`db://` has the database's own timeouts)."""
    url = envstr(name, default).strip()
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ConfigError(f"{name} must be a URL like locmem:// or redis://host:6379/1, "
                          f"got {url!r}")
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": rest or "taizhang", "OPTIONS": {"MAX_ENTRIES": CACHE_MAX_ENTRIES}}
    if scheme in ("redis", "rediss", "unix"):
        if connect_timeout <= 0 or read_timeout <= 0:
            raise ConfigError(f"{name}: the cache's connect and read timeouts must be more "
                              f"than 0 seconds, got {connect_timeout} and {read_timeout}")
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url,
                "OPTIONS": {"socket_connect_timeout": connect_timeout,
                            "socket_timeout": read_timeout}}
    if scheme == "db" and rest:
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": rest,
                "OPTIONS": {"MAX_ENTRIES": CACHE_MAX_ENTRIES}}
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ConfigError(f"{name}: unknown cache {url!r}; use locmem://, redis://…, db://TABLE "
                      f"or dummy://")


def add_postgres_timeouts(database: Any, *, connect: int, statement: int) -> None:
    """Give a PostgreSQL entry of DATABASES (in place) a connect timeout, TCP keepalives (a
    server that vanished is noticed within about a minute) and a statement timeout (0: none).
    What the URL says itself (`?connect_timeout=…`, `?options=…`) wins. Other engines are
    left as they are."""
    if "postgresql" not in database.get("ENGINE", ""):
        return
    options = database.setdefault("OPTIONS", {})
    options.setdefault("connect_timeout", connect)
    for param, value in (("keepalives", 1), ("keepalives_idle", 30),
                         ("keepalives_interval", 10), ("keepalives_count", 3)):
        options.setdefault(param, value)
    server_options = str(options.get("options", ""))
    if statement > 0 and "statement_timeout" not in server_options:
        options["options"] = f"{server_options} -c statement_timeout={statement * 1000}".strip()


def turn_off_postgres_jit(database: Any) -> None:
    """Turn PostgreSQL's JIT compiler off for a PostgreSQL entry of DATABASES (in place),
    unless the URL's ``options`` set ``jit`` itself. The pages' statements are short (tens
    to hundreds of milliseconds): compiling them took longer than running them (a
    township's statistics at 100,000 projects: 0.26 s of JIT in a 0.3 s statement, since
    their estimated cost is over ``jit_above_cost``). Other engines are left as they are."""
    if "postgresql" not in database.get("ENGINE", ""):
        return
    options = database.setdefault("OPTIONS", {})
    server_options = str(options.get("options", ""))
    if "jit" not in server_options:
        options["options"] = f"{server_options} -c jit=off".strip()
