"""`taizhang dispatch-tick [--date YYYY-MM-DD]`: the daily check of problems' deadlines
(reminders near the deadline, escalation past it). Run it once a day (cron or the jobs
worker); `--date` runs it as of another day (a test, or catching up)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from taizhang.core.context import acting
from taizhang.dispatch.services import tick


class Command(BaseCommand):
    help = "Remind units of problems near their deadline and escalate overdue ones."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", default="", help="YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["date"]:
            try:
                today = date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(_("The date must look like YYYY-MM-DD.")) from exc
        with acting("command"):
            result = tick(today=today)
        self.stdout.write(_("%(reminded)s reminded, %(escalated)s escalated")
                          % {"reminded": result.reminded, "escalated": result.escalated})
