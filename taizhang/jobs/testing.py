"""For tests: run the queued jobs in this process, as a worker would (same code path, the
queue left out). Tests that need a real worker process start `taizhang worker`."""

from __future__ import annotations

from taizhang.jobs.models import Job, JobState
from taizhang.jobs.tasks import execute


def run_queued_jobs() -> list[Job]:
    jobs = list(Job.objects.filter(state=JobState.QUEUED).order_by("created_at"))
    for job in jobs:
        execute(str(job.pk))
        job.refresh_from_db()
    return jobs
