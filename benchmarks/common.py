"""What every benchmark process shares: databases, the office user, timing, memory, output.

A benchmark process is started by ``benchmarks.run`` as ``python -m benchmarks.<name> --db
sqlite|postgresql --size N --side S``; it sets up Django on the database it is told, measures
one side once and prints one ``BENCH {json}`` line.  Databases live under var/bench/ (SQLite)
or on the PostgreSQL server of ``BENCH_PG_SERVER`` as ``taizhang_bench_<name>`` (prefix:
``BENCH_PG_PREFIX``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
PERIOD = (2022, 7)
# BENCH_PROJECTS: a smaller ledger while developing a benchmark (`make bench` uses 100,000).
LEDGER = {"projects": int(os.environ.get("BENCH_PROJECTS", "100000")), "months": 24, "seed": 1}
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/"
# Overridable so that two checkouts can benchmark on one server side by side.
PG_PREFIX = os.environ.get("BENCH_PG_PREFIX", "taizhang_bench_")
BENCH_USER = "bench-office"


# ------------------------------------------------------------------ databases


def pg_server() -> str:
    """The PostgreSQL server to use: DATABASE_URL's server if it is PostgreSQL, else local."""
    url = os.environ.get("BENCH_PG_SERVER") or os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else PG_DEFAULT


def db_url(db: str, name: str) -> str:
    if db == "sqlite":
        return f"sqlite:///{VAR / name}.sqlite3"
    parts = urlsplit(pg_server())
    return urlunsplit((parts.scheme, parts.netloc, f"/{PG_PREFIX}{name}", parts.query, ""))


def _pg_admin(sql: str) -> None:
    import psycopg

    parts = urlsplit(pg_server())
    url = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


def pg_available() -> bool:
    try:
        _pg_admin("SELECT 1")
    except Exception:
        return False
    return True


def _sqlite_files(name: str) -> list[Path]:
    return [VAR / f"{name}.sqlite3{suffix}" for suffix in ("", "-wal", "-shm")]


def drop(db: str, name: str) -> None:
    if db == "sqlite":
        for path in _sqlite_files(name):
            path.unlink(missing_ok=True)
    else:
        _pg_admin(f'DROP DATABASE IF EXISTS "{PG_PREFIX}{name}" WITH (FORCE)')


def create(db: str, name: str) -> None:
    """An empty database (migrated by the caller)."""
    drop(db, name)
    if db == "postgresql":
        _pg_admin(f'CREATE DATABASE "{PG_PREFIX}{name}"')


def clone(db: str, template: str, name: str) -> None:
    """A fresh copy of `template` (a closed database) as `name`."""
    drop(db, name)
    if db == "sqlite":
        shutil.copyfile(VAR / f"{template}.sqlite3", VAR / f"{name}.sqlite3")
    else:
        _pg_admin(f'CREATE DATABASE "{PG_PREFIX}{name}" TEMPLATE "{PG_PREFIX}{template}"')


def use(db: str, name: str) -> None:
    """Point Django at database `name` and set it up (call before importing models)."""
    os.environ["DATABASE_URL"] = db_url(db, name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")
    import django

    django.setup()


def close() -> None:
    """Close Django's connection, leaving a SQLite file whole (WAL folded in)."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def office_user(county: Any) -> Any:
    """The office administrator of `county` (staff, so the admin is open to it too)."""
    from taizhang.accounts.choices import Role
    from taizhang.accounts.models import User

    user, _ = User.objects.get_or_create(username=BENCH_USER, defaults={
        "role": Role.OFFICE_ADMIN, "division": county, "is_staff": True})
    return user


def county() -> Any:
    from taizhang.accounts.models import Division

    return Division.objects.get(code="130283")


# ------------------------------------------------------------------ measuring


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def peak_rss_mb() -> float:
    """This process's peak resident set size (VmHWM) in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def arguments(sides: list[str], size: int) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--size", type=int, default=size)
    parser.add_argument("--side", choices=sides, default=sides[0])
    return parser.parse_args()


def emit(**result: Any) -> None:
    """The process's one result line, read by benchmarks.run."""
    print("BENCH " + json.dumps(result), flush=True)
