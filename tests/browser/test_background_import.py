"""The office imports a ledger sheet from the web as a background job (issue 10, §7): the
upload answers at once, the job's page shows its progress while the office keeps working on
other pages, and comes back to the preview, the confirm and the result; a failing sheet's
job shows its rows' errors. Desktop and phone, Chinese and English (the journey harness).

The jobs are run by a real `taizhang worker` process on PostgreSQL (the test database is a
real one it can reach), with the 20,000-row sheet on the desktop in Chinese. SQLite's test
database lives in this process's memory, out of a worker's reach: there the test runs the
queued jobs itself while the browser rests on another page (tests/faults/test_kill_job.py
runs a real worker on SQLite).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from taizhang.core.testing_env import child_env
from taizhang.jobs.models import Job
from taizhang.jobs.testing import run_queued_jobs
from taizhang.ledger.models import Project
from tests.browser.journey import SCREENSHOTS
from tests.faults.harness import write_sheet

ROOT = Path(__file__).resolve().parents[2]
BIG = 20_000


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def worker(media):
    """A real worker process on PostgreSQL; None on SQLite (the test runs the jobs)."""
    if connection.vendor != "postgresql":
        yield None
        return
    settings_dict = connection.settings_dict
    url = (f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:"
           f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}")
    env = {**child_env(), "DATABASE_URL": url, "MEDIA_ROOT": str(media), "DEBUG": "0",
           "TAIZHANG_DEV": "1", "DJANGO_SETTINGS_MODULE": "taizhang.settings"}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    process = subprocess.Popen([sys.executable, "manage.py", "worker", "--interval", "0.2",
                                "-v", "0"], cwd=ROOT, env=env)
    yield process
    process.terminate()
    process.wait(timeout=60)


def _run_jobs_if_no_worker(worker) -> None:
    if worker is None:
        run_queued_jobs()


def _job_page_until(journey, selector: str, timeout: float = 600_000) -> None:
    journey.page.wait_for_selector(selector, timeout=timeout)


@pytest.mark.django_db(transaction=True)
def test_an_import_runs_in_the_background_and_a_failing_one_shows_its_rows(
        journey, world, media, worker, tmp_path):
    rows = BIG if worker is not None and journey.name == "desktop-zh" else 3000
    sheet = write_sheet(tmp_path / "台账-2022-07.xlsx", rows)
    journey.login("office", "pw-office")
    # The header's "user · role" line: data the harness takes for a catalogue string (not
    # this journey's page; reported to the lead).
    journey.allow_text("office · 项目办管理员", "office · Office administrator")
    journey.goto("/ledger/import/")
    journey.check()
    journey.page.set_input_files("input[name=file]", str(sheet))
    journey.page.fill("input[name=period]", "2022-07")
    with journey.page.expect_navigation():
        journey.page.click("button.primary[type=submit]")
    journey.page.wait_for_url("**/jobs/*/")
    job_url = journey.page.url  # the request answered at once: the job's page
    journey.page.wait_for_selector("#job-status")
    journey.check()
    journey.shot("jobs-import-started")

    # The office keeps working elsewhere while the preview runs.
    journey.goto("/ledger/projects/")
    journey.check()
    _run_jobs_if_no_worker(worker)
    journey.goto("/jobs/")
    journey.check()
    journey.shot("jobs-list")
    with journey.page.expect_navigation():
        journey.page.click("#job-list a")
    _job_page_until(journey, "#job-next")
    journey.check()
    with journey.page.expect_navigation():
        journey.page.click("#job-next")  # the preview
    journey.page.wait_for_selector("#import-changes")
    journey.check()
    # The top of the preview (500 rows: the whole page is too tall to photograph in time).
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    journey.page.screenshot(path=str(SCREENSHOTS / f"jobs-import-preview-{journey.name}.png"))
    # From the keyboard: on a phone in English the office's header is wider than the screen
    # (the base template's, being reworked for phones), and a tap may land on the wrong spot.
    journey.page.focus("button[name=confirm]")
    with journey.page.expect_navigation():
        journey.page.keyboard.press("Enter")
    journey.page.wait_for_url("**/jobs/*/")
    if worker is not None:  # the import's progress, while it runs (a small sheet may be done)
        journey.page.wait_for_selector(
            "#job-progress[value]:not([value='0']), [data-state=succeeded]", timeout=600_000)
        journey.check()
        journey.shot("jobs-import-progress")
        journey.goto("/ledger/reports/")  # working on meanwhile
        journey.check()
        journey.page.go_back()
    else:
        journey.goto("/ledger/projects/")
        run_queued_jobs()
        journey.page.go_back()
    _job_page_until(journey, "[data-state=succeeded]")
    journey.check()
    journey.shot("jobs-import-done")
    assert Project.objects.filter(name__startswith="故障测试项目").count() == rows
    assert job_url != journey.page.url  # the preview's job, then the import's

    # A sheet with a bad cell: its job fails, naming the row and the reason.
    bad = tmp_path / "坏台账.csv"
    bad.write_text("项目名称,建设单位,总投资（万元）,年度计划投资\n"
                   "坏项目,坏公司,abc,100\n", encoding="utf-8")
    journey.goto("/ledger/import/")
    journey.page.set_input_files("input[name=file]", str(bad))
    journey.page.fill("input[name=period]", "2022-07")
    with journey.page.expect_navigation():
        journey.page.click("button.primary[type=submit]")
    journey.page.wait_for_url("**/jobs/*/")
    journey.goto("/ledger/projects/")
    _run_jobs_if_no_worker(worker)
    journey.page.go_back()
    _job_page_until(journey, "#job-row-errors")
    journey.check()
    journey.shot("jobs-import-failed")
    text = journey.page.inner_text("#job-row-errors")
    assert "abc" in text and "2" in text
    assert Job.objects.filter(state="failed").count() == 1
