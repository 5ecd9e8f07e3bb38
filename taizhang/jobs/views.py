"""A user's jobs: the list, one job's page (polled by htmx while it runs) and its file."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from taizhang.core.scoping import get_for_user
from taizhang.jobs import progress
from taizhang.jobs.kinds import kind_of
from taizhang.jobs.models import Job, JobState
from taizhang.jobs.services import fail_if_dead

LIST_SIZE = 50


@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = list(Job.objects.restrict(request.user).filter(owner_id=request.user.pk)
                .order_by("-created_at")[:LIST_SIZE])
    return render(request, "jobs/list.html", {"jobs": [_shown(job) for job in jobs]})


@login_required
@require_GET
def job_detail(request: HttpRequest, job_id: UUID) -> HttpResponse:
    return render(request, "jobs/detail.html", {"job": _current(request, job_id)})


@login_required
@require_GET
def job_progress(request: HttpRequest, job_id: UUID) -> HttpResponse:
    """The part of the job's page that htmx replaces every second while the job runs."""
    return render(request, "jobs/_status.html", {"job": _current(request, job_id)})


@login_required
@require_GET
def job_download(request: HttpRequest, job_id: UUID) -> FileResponse:
    job = get_for_user(Job.objects.all(), request.user, pk=job_id)
    if job.state != JobState.SUCCEEDED or not job.result_file:
        raise Http404
    path = progress.jobs_dir() / job.result_file
    if not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.result_name)


def _current(request: HttpRequest, job_id: UUID) -> dict[str, Any]:
    job = get_for_user(Job.objects.all(), request.user, pk=job_id)
    fail_if_dead(job)  # a worker killed mid-job: say so now, not never
    return _shown(job)


def _shown(job: Job) -> dict[str, Any]:
    """The job with its live progress (from the worker's file while it runs)."""
    done, total = job.done, job.total
    if job.state == JobState.RUNNING:
        live = progress.read(job.pk)
        if live is not None:
            done, total = live[0], live[1] or total
    kind = kind_of(job)
    next_url = kind.next_url(job) if kind and job.state == JobState.SUCCEEDED else None
    return {
        "obj": job, "done": done, "total": total,
        "percent": min(100, done * 100 // total) if total else None,
        "label": kind.label if kind else job.kind,
        "next_url": next_url, "next_label": kind.next_label if kind else "",
        "more_errors": max(job.row_error_count - len(job.row_errors), 0),
    }
