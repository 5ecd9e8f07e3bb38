"""Every write to a job: start (audited), claim, finish, and failing a job whose worker died.

Each is its own short transaction, outside whatever the job's handler writes: the handler's
data writes commit or roll back as one, and the job's row says which.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from taizhang.core.audit.service import record
from taizhang.core.context import current
from taizhang.jobs import progress
from taizhang.jobs.kinds import KINDS, Outcome
from taizhang.jobs.models import Job, JobState

logger = logging.getLogger(__name__)

#: Row errors kept on the job (the page shows them; the count says how many more there were).
MAX_ROW_ERRORS = 500


def start_job(kind: str, *, actor: Any, params: dict[str, Any] | None = None,
              total: int = 0) -> Job:
    """Queue a job of ``kind`` for ``actor`` (checked by the caller's service: the job runs as
    its owner, who must be allowed what it does). Audited; enqueued once committed."""
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind}")
    request_id = current().request_id
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind, owner=actor, division=getattr(actor, "division", None),
            language=translation.get_language() or settings.LANGUAGE_CODE,
            params={**(params or {}), "request_id": request_id}, total=total)
        record("job.started", job, actor=actor, changes={"kind": kind})
        transaction.on_commit(lambda: _enqueue(job))
    return job


def _enqueue(job: Job) -> None:
    from taizhang.jobs.tasks import run_job

    result = run_job.enqueue(str(job.pk))
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])


def this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim(job_id: str) -> Job | None:
    """Mark a queued job running in this process; None if it is not queued any more (run,
    reaped, or a duplicate delivery of the queue)."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING, worker=this_worker(), started_at=now, heartbeat_at=now)
    return Job.objects.get(pk=job_id) if claimed else None


def finish(job: Job, outcome: Outcome, done: int, total: int) -> None:
    """Record the handler's outcome, unless the job was meanwhile failed as dead."""
    Job.objects.filter(pk=job.pk, state=JobState.RUNNING, worker=job.worker).update(
        state=JobState.SUCCEEDED if outcome.ok else JobState.FAILED,
        done=done, total=total or done, outcome=outcome.summary, error=outcome.error,
        row_errors=outcome.row_errors[:MAX_ROW_ERRORS],
        row_error_count=max(outcome.row_error_count, len(outcome.row_errors)),
        result_file=outcome.result_file, result_name=outcome.result_name,
        finished_at=timezone.now())


def crashed(job: Job) -> None:
    """The handler raised: the job fails with a sentence, the traceback goes to the log."""
    with translation.override(job.language):
        finish(job, Outcome(ok=False, error=_(
            "The job stopped on an unexpected error; nothing of it was written. The "
            "administrator finds the details in the worker's log.")), 0, 0)


def _alive_here(worker: str) -> bool | None:
    """Whether the worker process is alive, if it ran on this machine (else None)."""
    host, _sep, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_dead(job: Job) -> bool:
    """A running job whose worker is gone: its process is not alive on this machine, or its
    heartbeat is older than TAIZHANG_JOBS_LEASE_SECONDS."""
    if job.state != JobState.RUNNING:
        return False
    if _alive_here(job.worker) is False:
        return True
    live = progress.read(job.pk)
    if live is not None:
        return live[2] > settings.TAIZHANG_JOBS_LEASE_SECONDS
    since = job.heartbeat_at or job.started_at or job.created_at
    return timezone.now() - since > timedelta(seconds=settings.TAIZHANG_JOBS_LEASE_SECONDS)


def fail_if_dead(job: Job) -> bool:
    """Mark ``job`` failed if its worker died; True if it did. Its data writes were one
    transaction, which the database rolled back when the worker's connection ended."""
    if not is_dead(job):
        return False
    with translation.override(job.language):
        error = _("The worker running this job stopped (it was killed or its machine "
                  "restarted); nothing of it was written. Start it again.")
    failed = Job.objects.filter(pk=job.pk, state=JobState.RUNNING, worker=job.worker).update(
        state=JobState.FAILED, error=error, finished_at=timezone.now())
    if failed:
        logger.warning("job %s (%s) failed: its worker %s died", job.pk, job.kind, job.worker)
        progress.progress_path(job.pk).unlink(missing_ok=True)
        job.refresh_from_db()
    return bool(failed)


def reap() -> int:
    """Fail every running job whose worker died (a worker does it when it starts, and
    `taizhang reap-jobs` from cron); return how many."""
    return sum(fail_if_dead(job) for job in Job.objects.filter(state=JobState.RUNNING))


def start_follow_up(previous: Job, kind: str, *, actor: Any, params: dict[str, Any],
                    total: int = 0) -> Job | None:
    """Start ``kind`` after ``previous`` (an import after its preview) once only: None if
    ``previous`` was followed up already (a second confirm, another tab)."""
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=previous.pk)
        if locked.outcome.get("followed_by"):
            return None
        job = start_job(kind, actor=actor, params=params, total=total)
        locked.outcome = {**locked.outcome, "followed_by": str(job.pk)}
        locked.save(update_fields=["outcome"])
    return job
