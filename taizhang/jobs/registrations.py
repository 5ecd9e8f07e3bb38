"""What the jobs app declares to the core: its event, its audited type, the restore guard
and the menu entry."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from taizhang.core.registry import MenuItem, registry

registry.events({"job.started": _("Background job started"),
                 "jobs.pruned": _("Old background jobs deleted")})
registry.audited("jobs.job", _("background job"),
                 not_browsable="a job's own changes are its state; what it writes is audited "
                               "under the objects it writes")
registry.backup(not_office_data={
    "jobs.job": "a record of work done; the work's results are office data of their own",
    "django_tasks_database.dbtaskresult": "the database queue's own rows (jobs.job says "
                                          "what each job did)"})
registry.menu_items(MenuItem(_("Jobs"), "jobs:list", lambda user: user.is_office, weight=170))
