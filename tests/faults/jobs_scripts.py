"""Code run inside `manage.py shell -c` to start the web import's jobs as the office would."""

from __future__ import annotations

START_PREVIEW = """
from pathlib import Path
from taizhang.accounts.models import User
from taizhang.jobs.services import start_job
from taizhang.ledger.importing.staging import stage
from taizhang.ledger.jobs import PREVIEW
token, _ = stage([Path({sheet!r}).read_bytes()])
job = start_job(PREVIEW, actor=User.objects.get(username="office"),
                params={{"token": token, "filename": "台账-2022-07.xlsx", "period": "2022-07"}})
print(job.pk)
"""

CONFIRM = """
from taizhang.accounts.models import User
from taizhang.jobs.models import Job
from taizhang.jobs.services import start_job
from taizhang.ledger.jobs import IMPORT
preview = Job.objects.get(pk={preview!r})
assert preview.state == "succeeded", (preview.state, preview.error)
job = start_job(IMPORT, actor=preview.owner, total=preview.outcome["preview"]["projects"],
                params={{**preview.params, "digest": preview.outcome["preview"]["digest"],
                        "confirm_approved_changes": False}})
print(job.pk)
"""

STATE = """
from taizhang.jobs.models import Job
job = Job.objects.get(pk={job!r})
print(job.state, job.row_error_count, job.error, sep="|")
"""


def job_id(output: str) -> str:
    return output.strip().splitlines()[-1]
