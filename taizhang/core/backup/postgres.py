"""PostgreSQL: pg_dump (custom format) and pg_restore piped into one psql transaction.

pg_dump reads from an exported snapshot of our own REPEATABLE READ transaction, so the
manifest's migration state and row counts describe exactly the dumped data. The restore
drops every table, view, sequence and function of the public schema and loads the dump, all
inside one transaction (`psql --single-transaction`): if anything fails, PostgreSQL rolls it
all back.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from taizhang.core.backup.errors import BackupError

_DROP_ALL = """
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT matviewname AS name FROM pg_matviews WHERE schemaname = 'public' LOOP
    EXECUTE format('DROP MATERIALIZED VIEW IF EXISTS public.%I CASCADE', r.name);
  END LOOP;
  FOR r IN SELECT viewname AS name FROM pg_views WHERE schemaname = 'public' LOOP
    EXECUTE format('DROP VIEW IF EXISTS public.%I CASCADE', r.name);
  END LOOP;
  FOR r IN SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' LOOP
    EXECUTE format('DROP TABLE IF EXISTS public.%I CASCADE', r.name);
  END LOOP;
  FOR r IN SELECT sequence_name AS name FROM information_schema.sequences
           WHERE sequence_schema = 'public' LOOP
    EXECUTE format('DROP SEQUENCE IF EXISTS public.%I CASCADE', r.name);
  END LOOP;
  -- Functions such as the audit table's guard (not those of an extension).
  FOR r IN SELECT p.oid::regprocedure AS signature FROM pg_proc p
           JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = 'public' AND NOT EXISTS (
             SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e') LOOP
    EXECUTE 'DROP ROUTINE IF EXISTS ' || r.signature::text || ' CASCADE';
  END LOOP;
END $$;
"""


def _environment() -> dict[str, str]:
    """libpq's variables for the default database (a password never appears in `ps`)."""
    db = connection.settings_dict
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                     ("PASSWORD", "PGPASSWORD"), ("NAME", "PGDATABASE")):
        if db.get(key):
            env[var] = str(db[key])
    sslmode = (db.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return env


def tool_major(tool: str) -> tuple[int, str]:
    """(major version, full version string) of a PostgreSQL client tool on PATH."""
    path = shutil.which(tool)
    if path is None:
        raise BackupError(_("%(tool)s is not installed; install the PostgreSQL client "
                            "(Debian: postgresql-client) of the server's version.")
                          % {"tool": tool})
    out = subprocess.run([path, "--version"], capture_output=True, text=True, check=False)
    match = re.search(r"(\d+)(?:\.(\d+))?", out.stdout)
    if not match:
        raise BackupError(_("Cannot read the version of %(tool)s.") % {"tool": tool})
    return int(match.group(1)), out.stdout.strip()


def server_major() -> int:
    connection.ensure_connection()
    return int(connection.pg_version) // 10000  # type: ignore[attr-defined]


def _check_tool(tool: str, needed: int) -> str:
    major, version = tool_major(tool)
    if major < needed:
        raise BackupError(_("%(tool)s is version %(have)d but PostgreSQL %(need)d needs %(need)d "
                            "or newer; install postgresql-client-%(need)d.")
                          % {"tool": tool, "have": major, "need": needed})
    return version


def snapshot(target: Path) -> dict[str, Any]:
    """pg_dump the database into `target`; returns what the manifest needs from it."""
    version = _check_tool("pg_dump", server_major())
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot_id = cursor.fetchone()[0]
        info = {"migrations": _migrations(cursor), "tables": _table_rows(cursor),
                "server_version": connection.pg_version,  # type: ignore[attr-defined]
                "tool_version": version}
        result = subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
             f"--snapshot={snapshot_id}", f"--file={target}"],
            env=_environment(), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(_("pg_dump failed: %(reason)s") % {"reason": result.stderr.strip()})
    return info


def _migrations(cursor: Any) -> list[list[str]]:
    cursor.execute("SELECT to_regclass('public.django_migrations') IS NOT NULL")
    if not cursor.fetchone()[0]:
        return []
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [[app, name] for app, name in cursor.fetchall()]


def _table_rows(cursor: Any) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                   "ORDER BY tablename")
    names = [row[0] for row in cursor.fetchall()]
    rows = {}
    for name in names:
        cursor.execute(f'SELECT count(*) FROM public."{name}"')  # noqa: S608
        rows[name] = cursor.fetchone()[0]
    return rows


def restore(dump: Path, dumped_by: str) -> None:
    """Replace every table of the database with the dump's, in one transaction."""
    dumped_major = int(m.group(1)) if (m := re.search(r"(\d+)", dumped_by)) else 0
    _check_tool("pg_restore", dumped_major)
    _check_tool("psql", server_major())
    connection.close()
    env = _environment()
    if "lock_timeout" not in env.get("PGOPTIONS", ""):
        # Give up (and roll back) rather than queue forever behind a long transaction.
        env["PGOPTIONS"] = (env.get("PGOPTIONS", "") + " -c lock_timeout=60s").strip()
    script = subprocess.Popen(
        ["pg_restore", "--no-owner", "--no-privileges", "--file=-", str(dump)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    psql = subprocess.Popen(
        ["psql", "--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1",
         "--output=/dev/null"],
        stdin=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert script.stdout is not None and psql.stdin is not None
    try:
        psql.stdin.write(_DROP_ALL.encode())
        shutil.copyfileobj(script.stdout, psql.stdin)
    except BrokenPipeError:
        pass  # psql stopped on an error: reported below
    script_err = script.communicate()[1].decode(errors="replace").strip()
    if script.returncode != 0:
        # psql would COMMIT at the end of its input: kill it instead, the server rolls back.
        psql.kill()
        psql.wait()
        raise BackupError(_("pg_restore could not read the dump (%(reason)s); the database was "
                            "left as it was.") % {"reason": script_err})
    try:
        psql.stdin.close()
    except BrokenPipeError:
        pass
    assert psql.stderr is not None
    psql_err = psql.stderr.read().decode(errors="replace").strip()
    psql.wait()
    if psql.returncode != 0:
        raise BackupError(_("Restoring failed (%(reason)s); the database was left as it was.")
                          % {"reason": psql_err})
