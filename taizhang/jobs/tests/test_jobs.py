"""Jobs: started (audited, queued once committed), run, failed with a sentence, failed as
dead when their worker is gone; their pages show live progress and only to their owner."""

from __future__ import annotations

import json
import os
import socket
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from taizhang.core.audit.models import AuditEvent
from taizhang.jobs import progress, services
from taizhang.jobs.kinds import KINDS, JobKind, Outcome, register
from taizhang.jobs.models import Job, JobState
from taizhang.jobs.testing import run_queued_jobs

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def kinds():
    """Kinds of the tests' own: counting, failing with row errors, crashing."""
    def count(job, progress_):
        for done in range(1, 4):
            progress_(done, 3)
        return Outcome(ok=True, summary={"summary": "counted"})

    def rows(job, progress_):
        return Outcome(ok=False, error="bad sheet", row_error_count=2, row_errors=[
            {"sheet": "S", "row": 7, "column": "总投资", "column_letter": "D", "value": "abc",
             "reason": "Not a number."}])

    def crash(job, progress_):
        raise RuntimeError("boom")

    added = [JobKind("test:count", "Count", count), JobKind("test:rows", "Rows", rows),
             JobKind("test:crash", "Crash", crash)]
    for kind in added:
        register(kind)
    yield
    for kind in added:
        del KINDS[kind.kind]


def test_a_job_is_audited_and_queued_once_committed(world, kinds,
                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        job = services.start_job("test:count", actor=world.office)
    assert AuditEvent.objects.filter(action="job.started", object_id=str(job.pk)).exists()
    job.refresh_from_db()
    assert (job.state, job.language, job.division) == ("queued", "en", world.office.division)
    task = DBTaskResult.objects.get(pk=job.task_id)  # the database queue holds its id only
    assert task.args_kwargs["args"] == [str(job.pk)]


def test_a_job_runs_once_and_records_its_progress(world, kinds):
    job = services.start_job("test:count", actor=world.office)
    (ran,) = run_queued_jobs()
    assert (ran.state, ran.done, ran.total) == ("succeeded", 3, 3)
    assert ran.outcome == {"summary": "counted"} and ran.finished_at
    assert not progress.progress_path(job.pk).exists()  # the live file is gone with the run
    assert services.claim(str(job.pk)) is None  # a second delivery does nothing


def test_a_failing_job_keeps_its_row_errors_and_a_crash_says_nothing_was_written(world, kinds):
    services.start_job("test:rows", actor=world.office)
    with translation.override("zh-hans"):
        services.start_job("test:crash", actor=world.office)
    failed, crashed = run_queued_jobs()
    assert (failed.state, failed.error, failed.row_error_count) == ("failed", "bad sheet", 2)
    assert failed.row_errors[0]["column_letter"] == "D"
    assert crashed.state == "failed" and "没有写入" in crashed.error  # the starter's language


def _running(world, *, worker: str, beat_age: float | None, settings) -> Job:
    job = Job.objects.create(kind="test:count", owner=world.office, state=JobState.RUNNING,
                             worker=worker, started_at=timezone.now() - timedelta(hours=1),
                             heartbeat_at=timezone.now() - timedelta(hours=1))
    if beat_age is not None:
        path = progress.progress_path(job.pk)
        path.write_text(json.dumps({"done": 5, "total": 10}))
        then = timezone.now().timestamp() - beat_age
        os.utime(path, (then, then))
    return job


def test_a_job_whose_worker_died_is_failed(world, settings):
    settings.TAIZHANG_JOBS_LEASE_SECONDS = 60
    here = socket.gethostname()
    alive = _running(world, worker=f"{here}:{os.getpid()}", beat_age=1, settings=settings)
    gone = _running(world, worker=f"{here}:{2**22 + 7}", beat_age=1, settings=settings)
    silent = _running(world, worker="elsewhere:12", beat_age=600, settings=settings)
    beating = _running(world, worker="elsewhere:13", beat_age=5, settings=settings)
    assert services.reap() == 2
    states = {job.pk: Job.objects.get(pk=job.pk).state for job in (alive, gone, silent, beating)}
    assert states == {alive.pk: "running", gone.pk: "failed", silent.pk: "failed",
                      beating.pk: "running"}
    # A worker that finishes after being failed as dead does not overwrite the failure.
    dead = Job.objects.get(pk=gone.pk)
    services.finish(gone, Outcome(ok=True), 10, 10)
    assert Job.objects.get(pk=gone.pk).state == "failed" == dead.state


def test_the_page_polls_while_running_and_shows_the_live_progress(client, world, settings):
    client.force_login(world.office)
    job = _running(world, worker=f"{socket.gethostname()}:{os.getpid()}", beat_age=0,
                   settings=settings)
    job.owner = world.office
    job.save()
    body = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert f'hx-get="/jobs/{job.pk}/progress/"' in body and 'hx-trigger="every 1s"' in body
    assert '<progress id="job-progress" max="10" value="5">' in body
    assert "<script" not in body.split("<body")[1].replace('<script src="', "")  # CSP
    Job.objects.filter(pk=job.pk).update(state="failed", error="bad sheet", row_errors=[
        {"sheet": "S", "row": 7, "column": "总投资", "column_letter": "D", "value": "abc",
         "reason": "Not a number."}], row_error_count=3)
    fragment = client.get(reverse("jobs:progress", args=[job.pk])).content.decode()
    assert "hx-get" not in fragment  # finished: the polling stops
    assert 'id="job-row-errors"' in fragment and "abc" in fragment and "bad sheet" in fragment
    assert "另有 2 处错误未显示" in fragment


def test_a_download_is_its_owners_and_only_when_done(client, world):
    job = Job.objects.create(kind="test:count", owner=world.office, state="succeeded",
                             result_file="x.xlsx", result_name="ledger-2022-07.xlsx")
    (progress.jobs_dir() / "x.xlsx").write_bytes(b"sheet")
    client.force_login(world.alice)
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404
    client.force_login(world.office)
    response = client.get(reverse("jobs:download", args=[job.pk]))
    assert b"".join(response.streaming_content) == b"sheet"
    assert "ledger-2022-07.xlsx" in response["Content-Disposition"]
    Job.objects.filter(pk=job.pk).update(state="running")
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_the_list_shows_own_jobs_in_bounded_queries(client, world,
                                                    django_assert_max_num_queries):
    for _ in range(30):
        Job.objects.create(kind="test:count", owner=world.office)
    Job.objects.create(kind="test:count", owner=world.alice)
    client.force_login(world.office)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("jobs:list"))
    assert len(response.context["jobs"]) == 30
