"""Database-level protection of the audit table: no UPDATE ever, DELETE only while purging.

PostgreSQL: a trigger rejects UPDATE, and DELETE unless the transaction set
``taizhang.audit_purge`` (``SET LOCAL``, so it ends with the transaction). SQLite: the same
triggers ask a function registered on each connection whether a purge is running in this
thread. ``purging()`` is the one controlled exception; only ``retention`` uses it (and the test
database flush, which empties every table).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from django.db import connection

_purging: ContextVar[bool] = ContextVar("taizhang_audit_purging", default=False)

TABLE = "core_auditevent"

POSTGRESQL_INSTALL = f"""
CREATE OR REPLACE FUNCTION taizhang_audit_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('taizhang.audit_purge', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit records cannot be changed or deleted (%%)', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS taizhang_audit_guard ON {TABLE};
CREATE TRIGGER taizhang_audit_guard BEFORE UPDATE OR DELETE ON {TABLE}
  FOR EACH ROW EXECUTE FUNCTION taizhang_audit_guard();
"""
POSTGRESQL_REMOVE = f"""
DROP TRIGGER IF EXISTS taizhang_audit_guard ON {TABLE};
DROP FUNCTION IF EXISTS taizhang_audit_guard();
"""
SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS taizhang_audit_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit records cannot be changed'); END;""",
    f"""CREATE TRIGGER IF NOT EXISTS taizhang_audit_no_delete BEFORE DELETE ON {TABLE}
        WHEN NOT taizhang_audit_purging()
        BEGIN SELECT RAISE(ABORT, 'audit records cannot be deleted'); END;""",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS taizhang_audit_no_update;",
    "DROP TRIGGER IF EXISTS taizhang_audit_no_delete;",
]


def register_sqlite_function(sender: Any, connection: Any, **kwargs: Any) -> None:
    """connection_created handler: the SQLite triggers call this function."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "taizhang_audit_purging", 0, lambda: 1 if _purging.get() else 0,
            deterministic=False,
        )


@contextlib.contextmanager
def sqlite_flag() -> Iterator[None]:
    """Only the SQLite side of `purging` (for `flush`, which manages its own transaction)."""
    token = _purging.set(True)
    try:
        yield
    finally:
        _purging.reset(token)


@contextlib.contextmanager
def purging() -> Iterator[None]:
    """Allow deleting audit rows inside this block (call inside a transaction)."""
    postgresql = connection.vendor == "postgresql"
    token = _purging.set(True)
    try:
        if postgresql:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL taizhang.audit_purge = 'on'")
        yield
        if postgresql:  # on an error the rollback ends the SET LOCAL anyway
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL taizhang.audit_purge = 'off'")
    finally:
        _purging.reset(token)
