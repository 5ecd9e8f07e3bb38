"""A job the web started and a worker runs: what the user sees of long work (issue 10, §7).

The task queue (Django's Tasks API: the database backend by default, Redis in production)
only carries the job's id; everything a page shows — state, progress, the result, the row
errors — lives here, so the pages read one table whatever the backend.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from taizhang.core.scoping import NOTHING, ScopedQuerySet


class JobState(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Done")
    FAILED = "failed", _("Failed")


FINISHED = (JobState.SUCCEEDED, JobState.FAILED)


class Job(models.Model):
    # Random, so a job's address names nothing and cannot be guessed from another's.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=40)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="jobs")
    # The owner's division when the job started (what the office sees of its own).
    division = models.ForeignKey("accounts.Division", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    language = models.CharField(max_length=10, default="zh-hans")
    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    params: models.JSONField[Any] = models.JSONField(default=dict)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)  # 0: not known (yet)
    # What the handler reports back for the page (counts, a summary), kind-specific.
    outcome: models.JSONField[Any] = models.JSONField(default=dict)
    error = models.TextField(blank=True)
    # The first rows' errors (sheet, row, column, column_letter, value, reason), translated
    # into the starter's language; row_error_count says how many there were in all.
    row_errors: models.JSONField[Any] = models.JSONField(default=list)
    row_error_count = models.PositiveIntegerField(default=0)
    result_file = models.CharField(max_length=200, blank=True)  # under MEDIA_ROOT/jobs
    result_name = models.CharField(max_length=200, blank=True)  # the download's file name
    worker = models.CharField(max_length=200, blank=True)  # host:pid of the running worker
    task_id = models.CharField(max_length=64, blank=True)  # the queue's own id, for logs
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="jobs_owner_recent"),
                   models.Index(fields=["state"], name="jobs_state")]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"

    @staticmethod
    def scope_q(user: Any, action: str) -> Q:
        """A user sees and uses only the jobs they started (an office its own too): a job's
        result holds what its owner was allowed to read, which another user may not be."""
        if user.is_superuser and action == "view":
            return Q()
        return Q(owner=user) if user.pk else NOTHING

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, self.done * 100 // self.total)
