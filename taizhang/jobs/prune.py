"""Pruning: finished jobs older than N days go, with their files and the queue's own results.

Nothing else removes them: every import preview and large export leaves a `Job` row, its
export under MEDIA_ROOT/jobs, and (database queue) a `DBTaskResult` row. A queued or running
job is never touched: its worker still writes to it (a dead worker's job is failed by
`reap` first, then pruned once it is old). `taizhang prune-jobs`, daily from cron
(docs/deploy.md, *Daily housekeeping*).
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.core.audit.service import record_event
from taizhang.jobs.models import FINISHED, Job
from taizhang.jobs.progress import jobs_dir, progress_path

#: How many days a finished job is kept when the command is given no --older-than.
KEEP_DAYS = 30
_BATCH = 1000


@dataclass
class Pruned:
    jobs: int = 0
    files: int = 0
    task_results: int = 0


def prune(older_than_days: int = KEEP_DAYS) -> Pruned:
    """Delete what finished more than `older_than_days` days ago; audited as one event when
    anything went."""
    if older_than_days < 0:
        raise ValueError("older_than_days must not be negative")
    cutoff = timezone.now() - timedelta(days=older_than_days)
    pruned = Pruned()
    old = Job.objects.filter(state__in=FINISHED).filter(
        Q(finished_at__lt=cutoff) | Q(finished_at__isnull=True, created_at__lt=cutoff)
    )
    while batch := list(old.values_list("pk", "result_file")[:_BATCH]):
        with transaction.atomic():
            pruned.jobs += Job.objects.filter(pk__in=[pk for pk, _file in batch]).delete()[0]
        # After the commit: a file removed for a row that stayed would break its download.
        for pk, result_file in batch:
            pruned.files += _remove(_own_files(pk, result_file))
    pruned.files += _remove(_orphans(cutoff.timestamp()))
    pruned.task_results = _prune_task_results(cutoff)
    if pruned.jobs or pruned.files or pruned.task_results:
        record_event(
            "jobs.pruned",
            "jobs.job",
            "",
            _("Background jobs"),
            actor=None,
            changes={"older_than_days": older_than_days, **asdict(pruned)},
        )
    return pruned


def _own_files(pk: object, result_file: str) -> list[Path]:
    live = progress_path(pk)
    files = [live, live.with_suffix(".tmp")]
    # A plain name under MEDIA_ROOT/jobs, as every kind writes it; anything else is not ours.
    if result_file and Path(result_file).name == result_file:
        files.append(jobs_dir() / result_file)
    return files


def _orphans(before: float) -> list[Path]:
    """Old files under MEDIA_ROOT/jobs whose job is gone (a prune killed between its commit
    and its unlinks, a dead worker's progress file). A running job's file is touched every
    few seconds, so it is never old."""
    candidates: dict[Path, uuid.UUID] = {}
    for path in jobs_dir().iterdir():
        job_id = _job_id(path.name)
        try:
            if job_id is not None and path.is_file() and path.stat().st_mtime < before:
                candidates[path] = job_id
        except FileNotFoundError:
            continue
    ids = list(set(candidates.values()))
    kept: set[uuid.UUID] = set()
    for start in range(0, len(ids), _BATCH):
        kept.update(
            Job.objects.filter(pk__in=ids[start : start + _BATCH]).values_list("pk", flat=True)
        )
    return [path for path, job_id in candidates.items() if job_id not in kept]


def _job_id(name: str) -> uuid.UUID | None:
    """The job a file under MEDIA_ROOT/jobs belongs to (named after it), else None."""
    try:
        return uuid.UUID(name.split(".", 1)[0])
    except ValueError:
        return None


def _remove(paths: list[Path]) -> int:
    removed = 0
    for path in paths:
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        removed += 1
    return removed


def _prune_task_results(cutoff: object) -> int:
    """The database queue's finished results (django-tasks-db keeps them for ever; its own
    `prune_db_task_results` does the same with its default of 14 days). Redis (RQ) expires
    its results itself."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()[0]
