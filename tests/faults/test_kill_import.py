"""SIGKILL in the middle of a large import: nothing of the sheet is left, and a rerun works."""

from __future__ import annotations

import os
import signal

import pytest

from tests.faults.harness import (
    office_database,
    pg_writes_held,
    pg_writing_backend,
    sqlite_write_locked,
    wait_until,
    write_sheet,
)

PROJECTS = 3000


@pytest.fixture
def sheet(tmp_path):
    return write_sheet(tmp_path / "台账-2022-07.xlsx", PROJECTS)


def ledger_rows(db) -> dict[str, int]:
    return {
        "projects": db.count("ledger_project"),
        "reports": db.count("ledger_monthlyreport"),
        "plans": db.count("ledger_annualplan"),
        "organizations": db.count("accounts_organization"),
        "audit events": db.count("core_auditevent"),
    }


def test_a_killed_import_leaves_nothing_and_can_be_rerun(scratch, sheet):
    db = office_database(scratch)
    before = ledger_rows(db)
    # Kill it while its write transaction is open (and, on PostgreSQL, has written rows and
    # waits at the audit table, so it cannot commit first).
    if db.vendor == "sqlite":
        importing = db.spawn("import-ledger", str(sheet))
        wait_until(lambda: sqlite_write_locked(db.sqlite_path), what="the import's transaction",
                   process=importing)
        os.kill(importing.pid, signal.SIGKILL)
    else:
        with pg_writes_held(db, "core_auditevent"):
            importing = db.spawn("import-ledger", str(sheet))
            wait_until(lambda: pg_writing_backend(db, waiting=True),
                       what="the import's first writes", process=importing)
            os.kill(importing.pid, signal.SIGKILL)
    importing.wait()
    assert importing.returncode == -signal.SIGKILL

    if db.vendor == "sqlite":
        assert db.query("PRAGMA integrity_check") == [("ok",)]
    else:
        # The server notices the dead client and rolls its transaction back.
        wait_until(lambda: pg_writing_backend(db) is None, what="the rollback")
    assert ledger_rows(db) == before
    assert db.count("ledger_project", "name LIKE '故障测试项目%'") == 0
    assert db.count("core_auditevent", "source = 'import'") == 0

    rerun = db.manage("import-ledger", str(sheet), "--period", "2022-07")
    assert f"{PROJECTS}" in rerun.stdout, rerun.stdout
    after = ledger_rows(db)
    assert after["projects"] == PROJECTS
    assert after["reports"] == 2 * PROJECTS  # July, and January–June as one cumulative report
    assert after["organizations"] == before["organizations"] + 40
    assert db.count("ledger_project", "name LIKE '故障测试项目%'") == PROJECTS
    if db.vendor == "sqlite":
        assert db.query("PRAGMA integrity_check") == [("ok",)]
