"""The one task the queue carries: run a job, given its id.

Django's Tasks API (the `django-tasks` backport until Django 6): the backend is chosen in
settings (TAIZHANG_TASKS_BACKEND: the database by default, Redis through RQ in production).
"""

from __future__ import annotations

import contextlib
import logging

from django.db import transaction
from django.utils import translation

from taizhang.core.context import acting
from taizhang.jobs import services
from taizhang.jobs.kinds import KINDS
from taizhang.jobs.progress import Progress

try:  # Django 6 has the Tasks API itself
    from django.tasks import task  # type: ignore[import-not-found,unused-ignore]
except ImportError:
    from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def run_job(job_id: str) -> None:
    execute(job_id)


def execute(job_id: str) -> None:
    """Claim the job, run its handler with a heartbeat, record the outcome. A job already
    claimed, finished or failed as dead is left alone."""
    job = services.claim(job_id)
    if job is None:
        return
    progress = Progress(job.pk)
    progress(0, job.total)
    kind = KINDS[job.kind]
    # The outcome is recorded while the heartbeat still beats: never seen as dead meanwhile.
    # A kind that writes (an import) records it in the same transaction as its writes: a
    # worker killed at any moment leaves either both or neither, never data the job's page
    # calls unwritten.
    with progress.heartbeat():
        try:
            with translation.override(job.language), \
                    acting("job", request_id=job.params.get("request_id") or None), \
                    (transaction.atomic() if kind.atomic else contextlib.nullcontext()):
                outcome = kind.run(job, progress)
                services.finish(job, outcome, progress.done, progress.total)
        except Exception:
            logger.exception("job %s (%s) crashed", job.pk, job.kind)
            services.crashed(job)
