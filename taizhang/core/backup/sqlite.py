"""SQLite: snapshots with the online backup API, restores with it too (one transaction).

`Connection.backup` with all pages in one step copies a consistent state while other
connections keep reading and (in WAL mode) writing; restoring the same way replaces the live
database in a single write transaction, so a failure leaves the old one as it was.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from taizhang.core.backup.errors import BackupError


def database_path() -> Path:
    return Path(connection.settings_dict["NAME"])


def _timeout() -> float:
    # Wait for a lock as long as the application does (settings: TAIZHANG_SQLITE_TIMEOUT).
    return float((connection.settings_dict.get("OPTIONS") or {}).get("timeout", 20))


def _connect(path: Path | str) -> sqlite3.Connection:
    return sqlite3.connect(str(path), timeout=_timeout(), isolation_level=None)


_BUSY = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


class _Locked(Exception):
    pass


def _copy(source: sqlite3.Connection, dest: sqlite3.Connection) -> None:
    """`source.backup(dest)` in one step, giving up after the lock timeout.

    Python's backup loop retries a locked database forever; the progress callback is where
    it can be stopped (the unfinished copy is then rolled back on the destination).
    """
    deadline = time.monotonic() + _timeout()

    def progress(status: int, remaining: int, total: int) -> None:
        if status in _BUSY and time.monotonic() > deadline:
            raise _Locked

    try:
        source.backup(dest, progress=progress)
    except _Locked as exc:
        raise sqlite3.OperationalError("database is locked") from exc


def snapshot(target: Path) -> dict[str, Any]:
    """Copy the live database to `target`; returns what the manifest needs from it."""
    if not database_path().is_file():  # connecting would create an empty one
        raise BackupError(_("There is no database at %(path)s.") % {"path": database_path()})
    source = _connect(database_path())
    dest = _connect(target)
    try:
        _copy(source, dest)  # pages=-1: one step, one consistent read
    except sqlite3.Error as exc:
        raise BackupError(_("The database could not be copied: %(reason)s")
                          % {"reason": exc}) from exc
    finally:
        source.close()
    try:
        dest.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        return {"migrations": migrations(dest), "tables": table_rows(dest),
                "server_version": sqlite3.sqlite_version}
    finally:
        dest.close()


def migrations(conn: sqlite3.Connection) -> list[list[str]]:
    try:
        rows = conn.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    except sqlite3.OperationalError:
        return []  # never migrated
    return [[app, name] for app, name in rows]


def table_rows(conn: sqlite3.Connection) -> dict[str, int]:
    names = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")]
    return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # noqa: S608
            for name in names}


def integrity_problems(path: Path) -> list[str]:
    conn = _connect(path)
    try:
        rows = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    finally:
        conn.close()
    return [] if rows == ["ok"] else rows


def restore(snapshot_file: Path) -> None:
    """Replace the live database's content with `snapshot_file`, all or nothing."""
    problems = integrity_problems(snapshot_file)
    if problems:
        raise BackupError(_("The database in the backup is damaged: %(reason)s")
                          % {"reason": "; ".join(problems[:3])})
    connection.close()  # our own connection must not hold a lock or a stale schema
    target = database_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    source = _connect(snapshot_file)
    dest = _connect(target)
    try:
        _copy(source, dest)
    except sqlite3.Error as exc:
        raise BackupError(_("The database could not be restored (%(reason)s); it was left as "
                            "it was.") % {"reason": exc}) from exc
    finally:
        source.close()
        dest.close()
