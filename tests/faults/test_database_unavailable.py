"""The database goes away under a running import: a clear message, no traceback, nothing
half-written, and the import can be run again.

PostgreSQL: the import's backend is terminated (`pg_terminate_backend`) after it has written.
Another connection holds the audit table meanwhile, so the import waits there, mid-transaction,
instead of racing the test to its commit (a 3,000-row import takes well under a second).
SQLite has no connection to lose; its way of being unavailable is a write lock held by another
process for longer than the application waits (TAIZHANG_SQLITE_TIMEOUT).
"""

from __future__ import annotations

import pytest

from tests.faults.harness import (
    office_database,
    pg_writes_held,
    pg_writing_backend,
    wait_until,
    write_sheet,
)

PROJECTS = 3000


@pytest.fixture
def sheet(tmp_path):
    return write_sheet(tmp_path / "台账.xlsx", PROJECTS)


def test_an_import_that_loses_its_database_stops_cleanly_and_can_be_rerun(scratch, sheet):
    db = office_database(scratch)
    before = db.count("ledger_project"), db.count("core_auditevent")
    if db.vendor == "postgresql":
        with pg_writes_held(db, "core_auditevent"):
            importing = db.spawn("import-ledger", str(sheet))
            pid = wait_until(lambda: pg_writing_backend(db, waiting=True),
                             what="the import's first writes", process=importing)
            assert db.query("SELECT pg_terminate_backend(%s)", (pid,)) == [(True,)]
        out, err = importing.communicate(timeout=120)
        returncode = importing.returncode
    else:
        db.extra_env["TAIZHANG_SQLITE_TIMEOUT"] = "1"
        blocker = db.connect()
        blocker.execute("BEGIN IMMEDIATE")
        try:
            result = db.manage("import-ledger", str(sheet), check=False)
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        out, err, returncode = result.stdout, result.stderr, result.returncode

    assert returncode == 3, (out, err)
    assert "Traceback" not in err, err
    assert err.strip()  # the explanation, then the database's own words in brackets
    assert (db.count("ledger_project"), db.count("core_auditevent")) == before

    db.extra_env.pop("TAIZHANG_SQLITE_TIMEOUT", None)
    db.manage("import-ledger", str(sheet))
    assert db.count("ledger_project") == PROJECTS
