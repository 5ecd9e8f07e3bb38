"""The bulletin's background jobs: generate a file, publish a period (jobs/kinds.py).

Each runs as the office user who started it; ``generate`` reads only what that user may
see and writes one file the user downloads from the job's page (jobs:download).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang.accounts.models import Division
from taizhang.bulletin import services
from taizhang.core.periods import Period
from taizhang.jobs.kinds import JobKind, Outcome
from taizhang.jobs.models import Job
from taizhang.jobs.progress import Progress, jobs_dir

GENERATE = "bulletin:generate"
PUBLISH = "bulletin:publish"
STEPS = 2


def run_generate(job: Job, progress: Progress) -> Outcome:
    division = Division.objects.get(code=job.params["division"])
    services.require_office(job.owner, division)
    period = Period.parse(job.params["period"])
    fmt = job.params["format"]
    progress(0, STEPS)
    name = f"{job.pk}.{fmt}"
    with (jobs_dir() / name).open("wb") as out:
        bulletin = services.render(division, period, fmt, out, viewer=job.owner)
    progress(STEPS, STEPS)
    summary = (_("The published bulletin %(number)s.") % {"number": bulletin.document_number}
               if bulletin else _("A draft of the bulletin of %(period)s, from the ledger as "
                                  "it is now.") % {"period": period})
    return Outcome(ok=True, result_file=name, result_name=f"bulletin-{period}.{fmt}",
                   summary={"summary": summary})


def run_publish(job: Job, progress: Progress) -> Outcome:
    division = Division.objects.get(code=job.params["division"])
    period = Period.parse(job.params["period"])
    progress(0, STEPS)
    bulletin = services.publish(job.owner, division, period)
    progress(STEPS, STEPS)
    return Outcome(ok=True, summary={"summary": _("Published as %(number)s.")
                                     % {"number": bulletin.document_number}})


KINDS = [
    JobKind(GENERATE, gettext_lazy("Bulletin"), run_generate),
    JobKind(PUBLISH, gettext_lazy("Bulletin publication"), run_publish,
            next_url=lambda job: reverse("bulletin:index"),
            next_label=gettext_lazy("See the published bulletins"), atomic=True),
]
