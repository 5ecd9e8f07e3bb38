"""taizhang lamps --period YYYY-MM [--division CODE] [--publish]: evaluate a month's lamps."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from taizhang.accounts.office_setup import division_for_command
from taizhang.core.context import acting
from taizhang.core.periods import Period, PeriodError
from taizhang.core.services import ServiceError
from taizhang.warnings import services
from taizhang.warnings.choices import LampColor


class Command(BaseCommand):
    help = "Evaluate the red-yellow-green lamps of a month for a division, and publish them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="YYYY-MM")
        parser.add_argument("--division", help="the office's division code (default: the "
                                               "only office)")
        parser.add_argument("--publish", action="store_true",
                            help="publish the lamps once evaluated (final)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = Period.parse(options["period"])
        except PeriodError as exc:
            raise CommandError(_("The period must look like YYYY-MM.")) from exc
        division = division_for_command(options["division"])
        try:
            with acting("command"):
                evaluation = services.evaluate_period(division, period, actor=None)
                if options["publish"]:
                    evaluation = services.publish_evaluation(
                        evaluation, actor=None, expected_version=evaluation.version)
        except ServiceError as exc:
            raise CommandError(str(exc)) from exc
        counts = services.color_counts(evaluation)
        self.stdout.write(" ".join(f"{LampColor(color).label} {counts[color]}"
                                   for color in reversed(LampColor.values)))
        if evaluation.published:
            self.stdout.write(_("The lamps of %(period)s are published.") % {"period": period})
