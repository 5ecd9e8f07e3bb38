"""The policies' background job: the batch matching run of the starter's division."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang.jobs.kinds import JobKind, Outcome
from taizhang.jobs.models import Job
from taizhang.jobs.progress import Progress

MATCH = "policies:match"


def run_match(job: Job, progress: Progress) -> Outcome:
    from taizhang.policies.services import run_matching

    division = job.owner.division
    if division is None:  # the office was taken out of its division since it started
        return Outcome(ok=False, error=_("Your account is not placed in a division."))
    run = run_matching(division, actor=job.owner)
    progress(run.enterprises, run.enterprises)
    return Outcome(ok=True, summary={"summary": _(
        "%(enterprises)d enterprises against %(policies)d policies: %(matches)d matches, "
        "%(pushed)d newly pushed.") % {"enterprises": run.enterprises, "policies": run.policies,
                                       "matches": run.matches, "pushed": run.pushed}})


KINDS = [
    JobKind(MATCH, gettext_lazy("Policy matching"), run_match,
            next_url=lambda job: reverse("policies:catalogue"),
            next_label=gettext_lazy("Open the catalogue"), atomic=True),
]
