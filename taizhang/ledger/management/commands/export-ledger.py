"""taizhang export-ledger --period YYYY-MM -o FILE.xlsx [--list CODES] [--user USERNAME]"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from taizhang.core.audit.service import record_event
from taizhang.core.context import acting
from taizhang.core.periods import Period, PeriodError
from taizhang.core.routers import replica_reads
from taizhang.ledger.exporting import write_ledger_xlsx
from taizhang.ledger.filters import LIST_CHOICES, ProjectFilter
from taizhang.ledger.models import Project

_LIST_CODES = {code for code, _label in LIST_CHOICES}


class Command(BaseCommand):
    help = "Write the standard monthly ledger sheet (xlsx) for a period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="YYYY-MM")
        parser.add_argument("-o", "--output", required=True, help="the .xlsx file to write")
        parser.add_argument("--list", default="", help="key list codes, comma separated")
        parser.add_argument("--user", help="export only what this user may see")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = Period.parse(options["period"])
        except PeriodError as exc:
            raise CommandError(_("The period must look like YYYY-MM.")) from exc
        output = options["output"]
        if not output.lower().endswith(".xlsx"):
            raise CommandError(_("The output file must end in .xlsx."))
        lists = [c.strip() for c in options["list"].split(",") if c.strip()]
        bad = [c for c in lists if c not in _LIST_CODES]
        if bad:
            raise CommandError(
                _("Unknown key list %(codes)s; use one of %(known)s")
                % {"codes": ", ".join(bad), "known": ", ".join(sorted(_LIST_CODES))})
        projects: QuerySet[Project] = Project.objects.all()
        user = None
        if options["user"]:
            user = get_user_model().objects.for_login(options["user"])
            if user is None:
                raise CommandError(_("No user %(name)s.") % {"name": options["user"]})
            projects = Project.objects.restrict(user, "view")
        projects = ProjectFilter(key_lists=lists).apply(projects, period.year)
        with replica_reads():
            stats = write_ledger_xlsx(projects, period, output, viewer=user)
        with acting("command"):
            record_event("ledger.exported", "core.command", "export-ledger",
                         f"export-ledger {period}", actor=None, changes={
                             "period": str(period), "rows": stats.total.projects,
                             "filters": {"list": lists, "user": options["user"] or ""},
                             "file": output,
                         })
        self.stdout.write(
            ngettext("Wrote %(n)d project for %(period)s to %(file)s",
                     "Wrote %(n)d projects for %(period)s to %(file)s", stats.total.projects)
            % {"n": stats.total.projects, "period": period, "file": output})
