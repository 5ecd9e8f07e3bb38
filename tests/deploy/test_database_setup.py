"""docs/deploy.md's database setup on PostgreSQL 15: the application's role must own its
database, or `taizhang migrate` is refused ("permission denied for schema public"); the
refusal is one clear line and exit status 3, not a traceback."""

from __future__ import annotations

import subprocess
import uuid
from urllib.parse import urlsplit, urlunsplit

from django.db import ProgrammingError
from django.db.migrations.exceptions import MigrationSchemaMissing

from taizhang.core.dberrors import privilege_refused
from tests.faults.harness import PYTHON, ROOT, Scratch, _pg_admin, suite_database_url, vendor


def _taizhang(url: str, *args: str) -> subprocess.CompletedProcess:
    env = Scratch(url=url, media=ROOT / "var" / "unused-media", vendor="postgresql").env
    return subprocess.run([PYTHON, "-m", "taizhang.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_migrate_needs_a_role_that_owns_the_database():
    if vendor() != "postgresql":
        # No roles in SQLite; the refusal is recognised however deep the driver's error is.
        class InsufficientPrivilege(Exception):
            sqlstate = "42501"

        denied = InsufficientPrivilege("permission denied for schema public")
        try:
            try:
                raise ProgrammingError(str(denied)) from denied
            except ProgrammingError as exc:
                raise MigrationSchemaMissing("Unable to create the table") from exc
        except MigrationSchemaMissing as wrapped:
            assert privilege_refused(wrapped) is denied
        assert privilege_refused(ProgrammingError("syntax error")) is None
        return

    suffix = uuid.uuid4().hex[:8]
    role, database = f"tz_role_{suffix}", f"tz_setup_{suffix}"
    base = urlsplit(suite_database_url())
    url = urlunsplit(base._replace(netloc=f"{role}:pw-{suffix}@{base.hostname}:"
                                          f"{base.port or 5432}", path="/" + database))
    with _pg_admin(suite_database_url()) as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'pw-{suffix}'")
        try:
            admin.execute(f"CREATE DATABASE {database}")  # owned by the superuser
            refused = _taizhang(url, "migrate", "--no-input")
            assert refused.returncode == 3, refused.stderr
            lines = refused.stderr.strip().splitlines()
            assert len(lines) == 1 and "Traceback" not in refused.stderr, refused.stderr
            assert "permission denied for schema public" in lines[0]
            assert "OWNER" in lines[0]  # says what to do

            # What docs/deploy.md's CREATE DATABASE … OWNER gives: the role owns it.
            admin.execute(f"ALTER DATABASE {database} OWNER TO {role}")
            done = _taizhang(url, "migrate", "--no-input", "-v", "0")
            assert done.returncode == 0, done.stderr
        finally:
            admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
            admin.execute(f"DROP ROLE {role}")
