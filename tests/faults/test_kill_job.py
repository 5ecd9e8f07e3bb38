"""A web import run by a real worker process (`taizhang worker`, the database queue):
SIGKILL the worker mid-import, and nothing of the sheet is left, the job is marked failed by
the next worker, and the import can be run again."""

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
from tests.faults.jobs_scripts import CONFIRM, START_PREVIEW, STATE, job_id
from tests.faults.test_kill_import import ledger_rows

PROJECTS = 3000


@pytest.fixture
def sheet(tmp_path):
    return write_sheet(tmp_path / "台账-2022-07.xlsx", PROJECTS)


def state(db, job: str) -> list[str]:
    return db.shell(STATE.format(job=job)).stdout.strip().splitlines()[-1].split("|")


def test_a_killed_worker_leaves_nothing_and_its_job_is_marked_failed(scratch, sheet):
    db = office_database(scratch)
    preview = job_id(db.shell(START_PREVIEW.format(sheet=str(sheet))).stdout)
    db.manage("worker", "--batch")  # a real worker runs the preview (a dry run)
    assert state(db, preview)[0] == "succeeded"
    before = ledger_rows(db)

    job = job_id(db.shell(CONFIRM.format(preview=preview)).stdout)
    # Kill it while the import's one transaction is open (on PostgreSQL: has written rows and
    # waits at the audit table, so it cannot commit first), once the job runs (the queue's own
    # claim takes the write lock for a moment too).
    def running() -> bool:
        return db.count("jobs_job", "state = 'running'") == 1

    if db.vendor == "sqlite":
        worker = db.spawn("worker")
        wait_until(lambda: running() and sqlite_write_locked(db.sqlite_path),
                   what="the import's transaction", process=worker)
        os.kill(worker.pid, signal.SIGKILL)
    else:
        with pg_writes_held(db, "core_auditevent"):
            worker = db.spawn("worker")
            wait_until(lambda: running() and pg_writing_backend(db, waiting=True),
                       what="the import's first writes", process=worker)
            os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    assert state(db, job)[0] == "running"  # it died mid-job: nobody said otherwise yet
    if db.vendor == "postgresql":
        wait_until(lambda: pg_writing_backend(db) is None, what="the rollback")
    else:
        assert db.query("PRAGMA integrity_check") == [("ok",)]

    # The next worker fails the dead worker's job before it runs anything.
    restarted = db.manage("worker", "--batch")
    assert "1 job(s) of a dead worker marked failed" in restarted.stderr
    job_state, _count, error = state(db, job)
    assert job_state == "failed"
    assert "没有写入" in error  # the starter's language (the default), and it says so
    # Nothing of the sheet was written, not even the audit rows (the job's own start is).
    after = ledger_rows(db)
    assert after["projects"] == before["projects"] == 0
    assert db.count("ledger_project", "name LIKE '故障测试项目%'") == 0
    assert db.count("core_auditevent", "source = 'import'") == 0

    # Confirmed again, the import runs to the end.
    again = job_id(db.shell(CONFIRM.format(preview=preview)).stdout)
    db.manage("worker", "--batch")
    assert state(db, again)[0] == "succeeded"
    assert db.count("ledger_project", "name LIKE '故障测试项目%'") == PROJECTS
    assert db.count("core_auditevent", "action = 'ledger.imported'") == 1
