"""The production queue: Redis (RQ, `TAIZHANG_TASKS_BACKEND=redis`), with a real
redis-server of the test's own and real `taizhang worker` processes (rqworker). The web
import's preview and import run through it; a failing sheet's job carries its row errors."""

from __future__ import annotations

import redis

from tests.faults.harness import office_database, write_sheet
from tests.faults.jobs_scripts import CONFIRM, START_PREVIEW, STATE, job_id
from tests.faults.test_cache_hangs import redis_port  # noqa: F401  (the fixture)

PROJECTS = 200


def _redis_office(scratch, port: int):
    db = office_database(scratch)
    db.extra_env.update(TAIZHANG_TASKS_BACKEND="redis",
                        TAIZHANG_REDIS_URL=f"redis://127.0.0.1:{port}/0")
    return db


def state(db, job: str) -> list[str]:
    return db.shell(STATE.format(job=job)).stdout.strip().splitlines()[-1].split("|")


def test_an_import_runs_through_redis(scratch, redis_port, tmp_path):  # noqa: F811
    db = _redis_office(scratch, redis_port)
    sheet = write_sheet(tmp_path / "台账-2022-07.xlsx", PROJECTS)
    preview = job_id(db.shell(START_PREVIEW.format(sheet=str(sheet))).stdout)
    assert redis.Redis(port=redis_port).llen("rq:queue:default") == 1  # queued in Redis
    assert db.count("django_tasks_database_dbtaskresult") == 0  # not in the database queue
    db.manage("worker", "--batch")
    assert state(db, preview)[0] == "succeeded"
    job = job_id(db.shell(CONFIRM.format(preview=preview)).stdout)
    db.manage("worker", "--batch")
    assert state(db, job)[0] == "succeeded"
    assert db.count("ledger_project", "name LIKE '故障测试项目%'") == PROJECTS


def test_a_failing_sheet_fails_its_job_with_the_row_errors(scratch, redis_port, tmp_path):  # noqa: F811
    db = _redis_office(scratch, redis_port)
    sheet = tmp_path / "台账-2022-07.xlsx"
    sheet.write_bytes(b"not a spreadsheet at all")
    preview = job_id(db.shell(START_PREVIEW.format(sheet=str(sheet))).stdout)
    db.manage("worker", "--batch")
    job_state, count, error = state(db, preview)
    assert (job_state, count) == ("failed", "1")
    assert "台账未导入" in error
    assert db.count("ledger_project") == 0
