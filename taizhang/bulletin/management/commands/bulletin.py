from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from taizhang.accounts.office_setup import division_for_command
from taizhang.bulletin.services import render
from taizhang.bulletin.writers import FORMATS
from taizhang.core.periods import Period, PeriodError
from taizhang.core.routers import replica_reads
from taizhang.core.services import ServiceError


class Command(BaseCommand):
    help = ("The monthly bulletin of a period as docx, pdf or xlsx (the published one when "
            "the period has been published).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="YYYY-MM")
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument("-o", "--output", required=True, help="the file to write")
        parser.add_argument("--division", default="",
                            help="the office's division code (default: the only office)")
        parser.add_argument("--live", action="store_true",
                            help="the ledger as it is now, even for a published period")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = Period.parse(options["period"])
        except PeriodError as exc:
            raise CommandError(_("The period must look like YYYY-MM.")) from exc
        division = division_for_command(options["division"])
        target = Path(options["output"])
        partial = target.with_name(target.name + ".part")
        try:
            with replica_reads(), partial.open("wb") as out:
                bulletin = render(division, period, options["format"], out,
                                  live=options["live"])
        except ServiceError as exc:
            partial.unlink(missing_ok=True)
            raise CommandError(str(exc)) from exc
        partial.replace(target)
        if bulletin is not None:
            self.stdout.write(_("The published bulletin %(number)s, written to %(path)s.")
                              % {"number": bulletin.document_number, "path": target})
        else:
            self.stdout.write(_("Bulletin of %(period)s written to %(path)s.")
                              % {"period": period, "path": target})
