from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from taizhang.accounts.models import OfficeSettings, Organization, Person
from taizhang.core.periods import Period, PeriodError
from taizhang.core.registry import registry
from taizhang.core.routers import replica_reads
from taizhang.figures import responsibility
from taizhang.figures.groups import GROUPINGS
from taizhang.ledger.choices import Stage
from taizhang.ledger.filters import LIST_CHOICES, ProjectFilter
from taizhang.ledger.models import Project
from taizhang.stats.service import compute, compute_grouped

_LIST_CODES = {code for code, _label in LIST_CHOICES}


def _names_to_ids(model: Any, names: str, what: str) -> list[int]:
    ids = []
    for name in filter(None, (n.strip() for n in names.split(","))):
        found = list(model.objects.filter(name=name).values_list("pk", flat=True))
        if not found:
            raise CommandError(_("Unknown %(what)s: %(name)s") % {"what": what, "name": name})
        ids.extend(found)
    return ids


def _office_basis() -> str:
    """The office's choice when the deployment has one office, else planned new starts."""
    offices = list(OfficeSettings.objects.values_list("start_rate_basis", flat=True)[:2])
    return offices[0] if len(offices) == 1 else OfficeSettings.StartRateBasis.PLANNED


class Command(BaseCommand):
    help = "Ledger statistics for a period, optionally filtered (the bulletin's figures)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="YYYY-MM")
        parser.add_argument("--list", default="", help="key list codes, comma separated")
        parser.add_argument("--unit", default="", help="responsible unit names, comma separated")
        parser.add_argument("--leader", default="", help="leader names, comma separated")
        parser.add_argument("--stage", default="", help="stages, comma separated")
        parser.add_argument(
            "--start-rate-basis", choices=OfficeSettings.StartRateBasis.values,
            help="denominator of the start rate (default: the office's setting)",
        )
        parser.add_argument(
            "--group-by", choices=sorted(GROUPINGS),
            help="also the figures of every group (figures/groups.py); key lists overlap",
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = Period.parse(options["period"])
        except PeriodError as exc:
            raise CommandError(_("The period must look like YYYY-MM.")) from exc
        lists = [c.strip() for c in options["list"].split(",") if c.strip()]
        bad = [c for c in lists if c not in _LIST_CODES]
        if bad:
            raise CommandError(
                _("Unknown key list %(codes)s; use one of %(known)s")
                % {"codes": ", ".join(bad), "known": ", ".join(sorted(_LIST_CODES))}
            )
        stages = [s.strip() for s in options["stage"].split(",") if s.strip()]
        flt = ProjectFilter(
            key_lists=lists,
            stages=stages,
            units=_names_to_ids(Organization, options["unit"], _("unit")),
            leaders=_names_to_ids(Person, options["leader"], _("leader")),
        )
        basis = options["start_rate_basis"] or _office_basis()
        projects = flt.apply(Project.objects.all(), period.year, period=period)
        cancelled = Stage.CANCELLED in flt.stages
        with replica_reads():  # a report: the replica's lag of a second does not matter
            if options["group_by"]:
                grouped = compute_grouped(projects, period, options["group_by"],
                                          start_rate_basis=basis, include_cancelled=cancelled)
                data = grouped.as_dict()
            else:
                data = compute(projects, period, start_rate_basis=basis,
                               include_cancelled=cancelled).as_dict()
            # 有人管、有方案、有时限 (figures/responsibility.py), over the same projects.
            data["responsibility"] = responsibility.counts(projects, period.year, period)
            # What the apps above the ledger add (core/registry.py `stats_section`).
            for name, section in registry.stats_sections.items():
                data[name] = section(period)
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        for key in ("period", "projects", "planned_total_wan", "annual_plan_wan",
                    "ytd_completed_wan", "completion_rate", "time_progress",
                    "points_vs_time_progress", "new_starts", "start_rate"):
            self.stdout.write(f"{key:28} {data[key]}")
        for group in data.get("groups", []):
            self.stdout.write(
                f"{group['name'] or group['key'] or '—'}: {group['projects']} / "
                f"{group['ytd_completed_wan']} / {group['completion_rate']}")
