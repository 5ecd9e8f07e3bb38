"""What to tell a person when the database fails under them (full disk, lost connection, busy,
a write it refuses: read-only, or a privilege the application's role lacks).

Shared by the web (`DatabaseErrorMiddleware`: a 503 page) and the command line
(`taizhang.cli`: a message and exit status 3). Either way the transaction in progress was rolled
back by the database, so nothing is half-written; the message says so.
"""

from __future__ import annotations

from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _


def _driver_failures() -> tuple[type[BaseException], ...]:
    """The driver's own classes: a bulk write through psycopg's COPY (the importer, the audit)
    runs on the raw cursor, so a connection lost there is not wrapped in Django's."""
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return ()
    return (psycopg.OperationalError, psycopg.InterfaceError)


# The failures of the database itself, not of our code (IntegrityError etc. stay bugs).
UNAVAILABLE: tuple[type[BaseException], ...] = (
    OperationalError, InterfaceError, *_driver_failures())

_FULL = ("disk is full", "no space left", "could not extend file", "disk full")
_SCHEMA = ("no such table", "no such column", "has no column named")
# SQLite opened read-only (file or directory not writable, `PRAGMA query_only`).
_READ_ONLY = ("readonly database", "read-only database")
_BUSY = ("database is locked", "database table is locked", "lock timeout",
         "canceling statement due to lock timeout", "statement timeout")


def kind_of(exc: BaseException) -> str:
    """"full", "schema", "busy", "refused" (read-only, no privilege) or "unavailable"
    (connection lost, server down, the rest)."""
    if refused(exc) is not None:
        return "refused"
    text = str(exc).lower()
    if any(marker in text for marker in _FULL):
        return "full"
    if any(marker in text for marker in _SCHEMA):
        return "schema"
    if any(marker in text for marker in _BUSY):
        return "busy"
    return "unavailable"


# SQLSTATE 42501, insufficient_privilege: "permission denied for schema public" when the
# application's role does not own its database (PostgreSQL 15 took CREATE on `public` from
# everyone), "must be owner of table …", "permission denied for table …".
_INSUFFICIENT_PRIVILEGE = "42501"
# SQLSTATE 25006, read_only_sql_transaction: a hot standby, or default_transaction_read_only.
_READ_ONLY_TRANSACTION = "25006"


def _behind(exc: BaseException, sqlstates: tuple[str, ...]) -> BaseException | None:
    # Django wraps the driver's error, and `migrate` wraps Django's.
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if getattr(current, "sqlstate", None) in sqlstates:
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def privilege_refused(exc: BaseException) -> BaseException | None:
    """The database's refusal for lack of a privilege behind `exc`, or None when `exc` is
    something else."""
    return _behind(exc, (_INSUFFICIENT_PRIVILEGE,))


def refused(exc: BaseException) -> BaseException | None:
    """The database's refusal behind `exc` of a write it may not do (no privilege, read-only
    on PostgreSQL or SQLite), or None. An installation's fault, not a bug."""
    found = _behind(exc, (_INSUFFICIENT_PRIVILEGE, _READ_ONLY_TRANSACTION))
    if found is None and isinstance(exc, UNAVAILABLE) and any(
            marker in str(exc).lower() for marker in _READ_ONLY):
        found = exc
    return found


def is_database_failure(exc: BaseException) -> bool:
    """A failure of the database or of its setup (a 503 page), not of our code (a 500)."""
    return isinstance(exc, UNAVAILABLE) or refused(exc) is not None


def explain_privilege(exc: BaseException) -> str:
    """One translated line for the operator whose command the database refused."""
    return _("The database refused this command: the database user in DATABASE_URL lacks a "
             "privilege (%(reason)s). The application's role must own its database: CREATE "
             "DATABASE taizhang OWNER taizhang (docs/deploy.md). Nothing was changed.") % {
        "reason": first_line(exc)}


def first_line(exc: BaseException) -> str:
    """The database's own words, one line (psycopg adds context lines to some messages)."""
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def explain(exc: BaseException) -> str:
    """A translated, complete sentence for the person who was acting."""
    kind = kind_of(exc)
    if kind == "refused":
        return _("The database refused this change: it is read-only, or the program's database "
                 "account lacks a privilege. Nothing was saved. Tell the administrator (the "
                 "server's log names the reason).")
    if kind == "full":
        return _("The database's disk is full, so the change was not saved (nothing was "
                 "half-written). Ask the administrator to free disk space, then try again.")
    if kind == "schema":
        return _("The database's tables do not match this version of the program, so the change "
                 "was not saved (nothing was half-written). The administrator must run "
                 "`taizhang migrate`.")
    if kind == "busy":
        return _("The database is busy with another change, so this one was not saved (nothing "
                 "was half-written). Try again in a minute.")
    return _("The connection to the database was lost, so the change was not saved (nothing "
             "was half-written). Try again in a minute; if it keeps happening, tell the "
             "administrator.")
