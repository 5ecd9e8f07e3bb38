"""The web import's two steps, each a background job, run in the test's process."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from taizhang.jobs.testing import run_queued_jobs

URL = reverse("ledger:import")


def upload(client, content: bytes, name: str = "台账.xlsx", **extra):
    """Upload and run the preview job: the preview page if the sheet passed, else the job's
    page with the row errors (or the form page if the upload itself was refused)."""
    response = client.post(URL, {"file": SimpleUploadedFile(name, content), **extra})
    if response.status_code != 302:
        return response
    (job,) = run_queued_jobs()
    if job.state == "succeeded":
        return client.get(job.outcome and f"{URL}?preview={job.pk}")
    return client.get(reverse("jobs:detail", args=[job.pk]))


def confirm(client, token, **extra):
    """Confirm a preview and run the import job: the job's page (or the refusal)."""
    response = client.post(URL, {"confirm": "1", "token": token, **extra})
    if response.status_code == 302 and response.url.startswith("/jobs/"):
        run_queued_jobs()
        return client.get(response.url)
    return response
