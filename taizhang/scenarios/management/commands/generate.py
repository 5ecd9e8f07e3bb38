"""`taizhang generate --projects N [--months M] [--seed S] [--division-code C] [--end YYYY-MM]`.

Writes a synthetic ledger with bulk inserts (see `taizhang.scenarios.synthetic`). The window is
the M months ending at `--end` (default 2022-07); `--start YYYY-MM` gives its first month
instead.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from taizhang.core.periods import Period, PeriodError
from taizhang.env import envbool
from taizhang.scenarios.synthetic.generator import DEFAULT_END, Options, generate


def _period(text: str) -> Period:
    try:
        return Period.parse(text)
    except PeriodError as exc:
        raise CommandError(str(exc)) from exc


class Command(BaseCommand):
    help = ("Generate a synthetic ledger for load tests: N projects with their stages, plans, "
            "key lists and M months of approved monthly reports (deterministic for a seed).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--projects", type=int, required=True, metavar="N",
                            help="number of projects")
        parser.add_argument("--months", type=int, default=24, metavar="M",
                            help="months of monthly reports (default 24)")
        parser.add_argument("--seed", type=int, default=1, metavar="S",
                            help="random seed; the same seed gives the same ledger (default 1)")
        parser.add_argument("--division-code", default="130283", metavar="CODE",
                            help="the county's GB/T 2260 code (default 130283 迁安市); existing "
                                 "divisions and units are reused")
        window = parser.add_mutually_exclusive_group()
        window.add_argument("--end", metavar="YYYY-MM",
                            help=f"last month of the window (default {DEFAULT_END})")
        window.add_argument("--start", metavar="YYYY-MM",
                            help="first month of the window instead (it ends M-1 months later)")

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEBUG or envbool("TAIZHANG_DEV")):
            raise CommandError("generate writes invented rows: run it with DEBUG=1 or "
                               "TAIZHANG_DEV=1, against a scratch database.")
        months = options["months"]
        if options["start"]:
            end = _period(options["start"])
            for _ in range(max(0, months - 1)):
                end = end.next()
        else:
            end = _period(options["end"]) if options["end"] else DEFAULT_END
        opts = Options(projects=options["projects"], months=months, seed=options["seed"],
                       division_code=options["division_code"], end=end)
        if settings.DEBUG:
            self.stdout.write("DEBUG=1 logs every query; TAIZHANG_DEV=1 alone runs faster.")
        try:
            result = generate(opts, log=self.stdout.write)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Generated {opts.projects:,} projects for {result.county.name} "
            f"({result.county.code}), reports {result.first}…{opts.end}, seed {opts.seed}, "
            f"on {connection.vendor}, in {result.seconds:.1f} s."))
        width = max(len(k) for k in result.counts)
        for what, n in result.counts.items():
            self.stdout.write(f"  {what:<{width}}  {n:>12,}")
        self.stdout.write(f"  {'rows in all':<{width}}  {sum(result.counts.values()):>12,}")
        self.stdout.write("Time:")
        for what, seconds in result.timings.items():
            self.stdout.write(f"  {what:<28} {seconds:8.1f} s")
