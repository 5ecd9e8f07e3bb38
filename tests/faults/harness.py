"""Scratch databases and real `manage.py` processes for the fault and backup tests.

Each test gets fresh databases of the vendor the suite runs on (a SQLite file, or a new
PostgreSQL database next to the test database) and drives them through `python manage.py`
subprocesses, so a process can be killed and a connection terminated for real.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import dj_database_url

from taizhang.core.testing_env import child_env

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def suite_database_url() -> str:
    return os.environ.get("DATABASE_URL", "")


def vendor() -> str:
    return "postgresql" if suite_database_url().startswith(("postgres", "pgsql")) else "sqlite"


@dataclass
class Scratch:
    """One scratch database (plus its MEDIA_ROOT) and how to reach it."""

    url: str
    media: Path
    vendor: str
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        env = child_env()
        env.update(DATABASE_URL=self.url, MEDIA_ROOT=str(self.media), TAIZHANG_DEV="1",
                   DEBUG="0", DJANGO_SETTINGS_MODULE="taizhang.settings", **self.extra_env)
        return env

    def manage(self, *args: str, check: bool = True, **kw: Any) -> subprocess.CompletedProcess:
        result = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=self.env,
                                capture_output=True, text=True, **kw)
        if check and result.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
        return result

    def spawn(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen([PYTHON, "manage.py", *args], cwd=ROOT, env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def shell(self, code: str) -> subprocess.CompletedProcess:
        return self.manage("shell", "-c", code)

    @property
    def sqlite_path(self) -> Path:
        return Path(dj_database_url.parse(self.url)["NAME"])

    def connect(self) -> Any:
        """A plain DB-API connection (autocommit) for looking at the data from outside."""
        if self.vendor == "sqlite":
            return sqlite3.connect(self.sqlite_path, isolation_level=None, timeout=30)
        import psycopg

        return psycopg.connect(self.url, autocommit=True)

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        conn = self.connect()
        try:
            cursor = conn.execute(sql, params) if params else conn.execute(sql)
            return list(cursor.fetchall())
        finally:
            conn.close()

    def count(self, table: str, where: str = "") -> int:
        sql = f"SELECT count(*) FROM {table}" + (f" WHERE {where}" if where else "")  # noqa: S608
        return self.query(sql)[0][0]


def _pg_admin(url: str) -> Any:
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


@dataclass
class ScratchFactory:
    tmp: Path
    made: list[Scratch] = field(default_factory=list)

    def new(self, name: str = "db", *, vendor_: str | None = None) -> Scratch:
        chosen = vendor_ or vendor()
        media = self.tmp / f"{name}-media"
        if chosen == "sqlite":
            url = f"sqlite:///{self.tmp / (name + '.sqlite3')}"
        else:
            base = suite_database_url()
            db_name = f"{urlsplit(base).path.lstrip('/')}_scratch_{uuid.uuid4().hex[:8]}"
            with _pg_admin(base) as admin:
                admin.execute(f'CREATE DATABASE "{db_name}"')
            url = urlunsplit(urlsplit(base)._replace(path="/" + db_name))
        scratch = Scratch(url=url, media=media, vendor=chosen)
        self.made.append(scratch)
        return scratch

    def clone(self, source: Scratch, name: str) -> Scratch:
        """A copy of `source` (database and media) to spoil in one test."""
        copy = self.new(name, vendor_=source.vendor)
        if source.vendor == "sqlite":
            with sqlite3.connect(source.sqlite_path) as src, \
                    sqlite3.connect(copy.sqlite_path) as dst:
                src.backup(dst)
        else:
            new_name = urlsplit(copy.url).path.lstrip("/")
            with _pg_admin(copy.url) as admin:
                admin.execute(f'DROP DATABASE "{new_name}"')
                admin.execute(f'CREATE DATABASE "{new_name}" '
                              f'TEMPLATE "{urlsplit(source.url).path.lstrip("/")}"')
        if source.media.exists():
            shutil.copytree(source.media, copy.media)
        return copy

    def drop_all(self) -> None:
        for scratch in self.made:
            if scratch.vendor == "postgresql":
                name = urlsplit(scratch.url).path.lstrip("/")
                with _pg_admin(scratch.url) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def scratch_factory(tmp_path: Path) -> Iterator[ScratchFactory]:
    factory = ScratchFactory(tmp_path)
    try:
        yield factory
    finally:
        factory.drop_all()


# --- an office to import into ------------------------------------------------------------

SEED_OFFICE = """
from taizhang.accounts.choices import DivisionLevel, OrganizationKind, Role
from taizhang.accounts.models import Division, Organization, User
county = Division.objects.create(code="130283", name="迁安市", level=DivisionLevel.COUNTY)
office = Organization.objects.create(kind=OrganizationKind.OFFICE, name="迁安市重点项目办")
User.objects.create_user("office", password="pw-office", role=Role.OFFICE_ADMIN,
                         organization=office, division=county)
"""


# A migrated database (and one with the office seeded) per test process and vendor, copied
# for each test that asks: migrating takes 5-7 s a time, copying well under one.
_TEMPLATES: dict[tuple[str, bool], Scratch] = {}
_TEMPLATE_FACTORY: list[ScratchFactory] = []


def _template(vendor_: str, seeded: bool) -> Scratch:
    key = (vendor_, seeded)
    if key not in _TEMPLATES:
        if not _TEMPLATE_FACTORY:
            _TEMPLATE_FACTORY.append(
                ScratchFactory(Path(tempfile.mkdtemp(prefix="taizhang-templates-"))))
        factory = _TEMPLATE_FACTORY[0]
        if seeded:
            template = factory.clone(_template(vendor_, seeded=False), "office")
            template.shell(SEED_OFFICE)
        else:
            template = factory.new("migrated", vendor_=vendor_)
            template.manage("migrate", "--no-input", "-v", "0")
        _TEMPLATES[key] = template
    return _TEMPLATES[key]


def drop_templates() -> None:
    """Drop this process's templates (tests/conftest.py, when its session ends)."""
    for factory in _TEMPLATE_FACTORY:
        factory.drop_all()
        shutil.rmtree(factory.tmp, ignore_errors=True)
    _TEMPLATE_FACTORY.clear()
    _TEMPLATES.clear()


def migrated_database(factory: ScratchFactory, name: str = "db", *,
                      vendor_: str | None = None) -> Scratch:
    """A fresh database with every migration applied and nothing else."""
    return factory.clone(_template(vendor_ or vendor(), seeded=False), name)


def office_database(factory: ScratchFactory, name: str = "db", *,
                    vendor_: str | None = None) -> Scratch:
    """A migrated database with the county, its office and the office's login."""
    return factory.clone(_template(vendor_ or vendor(), seeded=True), name)


def write_sheet(path: Path, projects: int) -> Path:
    """A ledger sheet of `projects` new projects (40 new owners), as offices send them."""
    from taizhang.ledger.tests.sheets_factory import ledger_grid, to_xlsx

    rows = [{"项目名称": f"故障测试项目{i:05d}", "建设单位": f"故障测试建设单位{i % 40:02d}",
             "总投资（万元）": "1000.00", "年度计划投资": "300.00",
             "1-7月累计完成投资": "70.00", "本月完成投资": "10.00"} for i in range(projects)]
    path.write_bytes(to_xlsx(ledger_grid(rows)))
    return path


# --- waiting for a state, not for a time -------------------------------------------------

def wait_until(condition: Callable[[], Any], *, what: str, limit: float = 120.0,
               process: subprocess.Popen | None = None) -> Any:
    """Poll `condition` until it returns something true (the limit only stops a hung test)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if process is not None and process.poll() is not None:
            out, err = process.communicate()
            raise AssertionError(f"the process ended before {what}:\n{out}\n{err}")
        time.sleep(0.005)
    raise AssertionError(f"gave up waiting for {what}")


def sqlite_write_locked(path: Path) -> bool:
    """True while another connection holds SQLite's write lock (an open write transaction)."""
    conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):
            return True
        raise
    finally:
        conn.close()


@contextlib.contextmanager
def pg_writes_held(scratch: Scratch, table: str) -> Iterator[None]:
    """Inside the block no one can write `table` (another transaction holds it in SHARE
    mode), so a process that has written elsewhere and reaches it waits there with its
    transaction open: the test can act on it before it commits, however fast it is."""
    conn = scratch.connect()
    try:
        conn.execute("BEGIN")
        conn.execute(f'LOCK TABLE "{table}" IN SHARE MODE')
        yield
    finally:
        conn.execute("ROLLBACK")
        conn.close()


def pg_writing_backend(scratch: Scratch, *, waiting: bool = False) -> int | None:
    """The pid of a backend of the scratch database inside a transaction that has written
    (with `waiting`: and now waits for a lock, so it cannot commit before we act)."""
    sql = ("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
           "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL")
    if waiting:
        sql += " AND wait_event_type = 'Lock'"
    rows = scratch.query(sql)
    return rows[0][0] if rows else None


# --- comparing databases -----------------------------------------------------------------

def tables(scratch: Scratch) -> list[str]:
    if scratch.vendor == "sqlite":
        sql = ("SELECT name FROM sqlite_master WHERE type = 'table' "
               "AND name NOT LIKE 'sqlite_%' ORDER BY name")
    else:
        sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    return [row[0] for row in scratch.query(sql)]


def rows_by_key(scratch: Scratch, table: str) -> dict[Any, str]:
    """Each row as text, keyed by its id (or by the whole row where there is no id)."""
    conn = scratch.connect()
    try:
        cursor = conn.execute(f'SELECT * FROM "{table}"')  # noqa: S608
        names = [d[0] for d in cursor.description]
        out = {}
        for row in cursor.fetchall():
            text = repr(tuple(row))
            out[row[names.index("id")] if "id" in names else text] = text
        return out
    finally:
        conn.close()


def fingerprint(rows: dict[Any, str]) -> tuple[int, str]:
    """(row count, content hash) of a table's rows."""
    digest = hashlib.sha256()
    for key in sorted(rows, key=repr):
        digest.update(rows[key].encode())
    return len(rows), digest.hexdigest()


def media_files(root: Path) -> dict[str, bytes]:
    if not root.is_dir():
        return {}
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}
