"""`taizhang load-scenario qianan-2022 [--reset]`: load a demo scenario into the database."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError

from taizhang.core.periods import Period
from taizhang.env import envbool
from taizhang.ledger.filters import ProjectFilter
from taizhang.ledger.models import Project
from taizhang.scenarios.qianan import loader as qianan_loader
from taizhang.stats import version
from taizhang.stats.service import compute

SCENARIOS = {
    "qianan-2022": (qianan_loader, "迁安市 2022: 284 key projects, figures of the article"),
}


class Command(BaseCommand):
    help = "Load a demo scenario (deterministic; a second run changes nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("scenario", help="one of: " + ", ".join(SCENARIOS))
        parser.add_argument(
            "--reset", action="store_true",
            help="first delete the scenario's rows (and their audit trail), then load again; "
                 "only with DEBUG=1 or TAIZHANG_DEV=1",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["scenario"]
        if name not in SCENARIOS:
            known = "; ".join(f"{key} ({text})" for key, (_m, text) in SCENARIOS.items())
            raise CommandError(f"Unknown scenario {name!r}. Known scenarios: {known}")
        module, _text = SCENARIOS[name]
        if options["reset"] and not (settings.DEBUG or envbool("TAIZHANG_DEV")):
            raise CommandError("--reset deletes data: run it with DEBUG=1 or TAIZHANG_DEV=1.")
        try:
            with transaction.atomic():
                if options["reset"]:
                    counts = module.reset(log=self.stdout.write)
                    deleted = ", ".join(f"{n} {what}" for what, n in counts.items())
                    self.stdout.write(f"Deleted: {deleted}")
                result = module.load(log=self.stdout.write)
                # Bulk inserts and deletes without audit events: cached figures must go too.
                version.bump()
        except (ProtectedError, RestrictedError) as exc:
            raise CommandError(
                f"Cannot reset: rows outside the scenario still use its rows ({exc})."
            ) from exc
        except IntegrityError as exc:
            raise CommandError(
                f"Cannot load {name}: the database already holds rows with the scenario's "
                f"names or codes ({exc}). Use an empty database or --reset."
            ) from exc
        if not result.loaded:
            self.stdout.write(f"Scenario {name} is already loaded; nothing changed.")
        else:
            self.stdout.write(self.style.SUCCESS(
                f"Loaded scenario {name} in {result.seconds:.1f} s."))
            self._figures()
        self._users(result.users)

    def _figures(self) -> None:
        period = Period(2022, 7)
        projects = Project.objects.all()
        data = compute(projects, period).as_dict()
        lists = {
            code: ProjectFilter(key_lists=code.split(",")).apply(projects, period.year)
            for code in ("province-prestage", "province,prefecture")
        }
        self.stdout.write(
            f"Period {period}: {data['projects']} projects, planned total "
            f"{data['planned_total_wan']} 万元, annual plan {data['annual_plan_wan']} 万元, "
            f"completed {data['ytd_completed_wan']} 万元"
        )
        for code, qs in lists.items():
            agg = compute(qs, period).as_dict()
            self.stdout.write(
                f"  {code}: {agg['projects']} projects, {agg['planned_total_wan']} 万元")

    def _users(self, rows: list[tuple[str, str, str, str]]) -> None:
        self.stdout.write("")
        self.stdout.write(f"{'role':14}{'username':10}{'password':10}what to try")
        for role, username, password, hint in rows:
            self.stdout.write(f"{role:14}{username:10}{password:10}{hint}")
