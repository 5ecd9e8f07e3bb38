"""taizhang procedures-tick [--today YYYY-MM-DD] [--near-days N]: the daily notifications of
procedure items near or past their deadline (each sent once per item and deadline)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.core.context import acting
from taizhang.procedures.notifying import tick


class Command(BaseCommand):
    help = "Notify departments and owners of procedure items due soon or overdue (daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="the day to look from, YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--near-days",
            type=int,
            default=5,
            help="due soon: within this many working days (default 5)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = (
                date.fromisoformat(options["today"]) if options["today"] else timezone.localdate()
            )
        except ValueError as exc:
            raise CommandError(_("The day must look like YYYY-MM-DD.")) from exc
        if not 0 <= options["near_days"] <= 60:
            raise CommandError(_("Give a number of working days from 0 to 60."))
        with acting("command"):
            counts = tick(today, options["near_days"])
        self.stdout.write(
            _("%(due)s notifications of items due soon, %(overdue)s of overdue items.")
            % {"due": counts["procedure-due"], "overdue": counts["procedure-overdue"]}
        )
