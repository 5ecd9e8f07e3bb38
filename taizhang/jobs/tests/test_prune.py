"""`taizhang prune-jobs`: old finished jobs go with their files and the queue's old results;
queued and running jobs, young jobs and their files stay."""

from __future__ import annotations

import os
import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from taizhang.core.audit.models import AuditEvent
from taizhang.jobs import progress
from taizhang.jobs.models import Job, JobState
from taizhang.jobs.tasks import run_job

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _job(world, state, *, days_ago, finished=True, with_file=False):
    then = timezone.now() - timedelta(days=days_ago)
    job = Job.objects.create(
        kind="ledger:export",
        owner=world.office,
        state=state,
        finished_at=then if finished else None,
    )
    Job.objects.filter(pk=job.pk).update(created_at=then)  # auto_now_add on create
    if with_file:
        job.result_file = f"{job.pk}.xlsx"
        job.save(update_fields=["result_file"])
        _old_file(progress.jobs_dir() / job.result_file, days_ago)
    return job


def _old_file(path, days_ago):
    path.write_bytes(b"x")
    then = (timezone.now() - timedelta(days=days_ago)).timestamp()
    os.utime(path, (then, then))
    return path


def _task_result(status, *, days_ago):
    result = run_job.enqueue(str(uuid.uuid4()))  # the database queue's own row, READY
    if status != TaskResultStatus.READY:
        DBTaskResult.objects.filter(pk=result.id).update(
            status=status, finished_at=timezone.now() - timedelta(days=days_ago)
        )
    return result.id


def test_old_finished_jobs_go_with_their_files_running_and_queued_ones_stay(world):
    done = _job(world, JobState.SUCCEEDED, days_ago=31, with_file=True)
    leftover = _old_file(progress.progress_path(done.pk), 31)  # a dead worker's progress
    failed = _job(world, JobState.FAILED, days_ago=45)
    young = _job(world, JobState.SUCCEEDED, days_ago=29, with_file=True)
    queued = _job(world, JobState.QUEUED, days_ago=60, finished=False)
    running = _job(world, JobState.RUNNING, days_ago=60, finished=False)
    running_live = _old_file(progress.progress_path(running.pk), 60)  # reap decides, not us
    orphan = _old_file(progress.jobs_dir() / f"{uuid.uuid4()}.xlsx", 40)
    foreign = _old_file(progress.jobs_dir() / "README", 40)
    old_result = _task_result(TaskResultStatus.SUCCESSFUL, days_ago=31)
    old_failure = _task_result(TaskResultStatus.FAILED, days_ago=31)
    young_result = _task_result(TaskResultStatus.SUCCESSFUL, days_ago=2)
    waiting = _task_result(TaskResultStatus.READY, days_ago=0)

    call_command("prune-jobs", "--older-than", "30")

    assert set(Job.objects.values_list("pk", flat=True)) == {young.pk, queued.pk, running.pk}
    assert not Job.objects.filter(pk__in=[done.pk, failed.pk]).exists()
    assert not (progress.jobs_dir() / f"{done.pk}.xlsx").exists() and not leftover.exists()
    assert (progress.jobs_dir() / f"{young.pk}.xlsx").exists() and running_live.exists()
    assert not orphan.exists() and foreign.exists()
    kept = {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)}
    assert {young_result, waiting} <= kept and not {old_result, old_failure} & kept
    [event] = AuditEvent.objects.filter(action="jobs.pruned")
    assert event.changes == {"older_than_days": 30, "jobs": 2, "files": 3, "task_results": 2}


def test_the_default_keeps_thirty_days_and_a_quiet_day_writes_nothing(world):
    _job(world, JobState.SUCCEEDED, days_ago=29)
    call_command("prune-jobs")
    assert Job.objects.count() == 1
    assert not AuditEvent.objects.filter(action="jobs.pruned").exists()
    call_command("prune-jobs", "--older-than", "0")
    assert Job.objects.count() == 0


def test_a_negative_or_malformed_age_is_refused():
    from django.core.management.base import CommandError

    for bad in ("-1", "thirty"):
        with pytest.raises(CommandError, match="number of days"):
            call_command("prune-jobs", "--older-than", bad)
