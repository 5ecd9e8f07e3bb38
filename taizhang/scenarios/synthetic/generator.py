"""A synthetic ledger of any size, for load tests and benchmarks: `taizhang generate`.

`generate(Options(projects=N, months=M, seed=S))` writes, in one transaction and with bulk
inserts only (no service functions, so no per-row audit trail):

- divisions: the county (default 130283 迁安市) under its prefecture and province, and its
  townships, each reused by code when it exists;
- organizations: the key-project office, departments, township governments and state-owned
  platforms (reused by kind and name), and about N/3 new enterprises with valid unified social
  credit codes;
- people: about N/20 leaders (at most 200) and one contact per owner;
- N projects at every stage (planning 8 %, preliminary 17 %, under construction 48 %,
  completed 17 %, on hold 6 %, cancelled 4 %) with actual dates and stage changes that agree,
  planned totals log-normal between 500 and 500,000 万元, national codes
  `YYYY-<county>-DD-TT-RRRRRC` unique in the database;
- an annual plan for every year the window touches in which the project is in the ledger,
  memberships of that year's county key list (most approved), of the provincial and prefectural
  key lists (a few percent, the big projects) and of the provincial pre-stage list;
- approved monthly reports for the M months ending at `end` (default 2022-07), for every month
  a project was under construction, and `completed_before` for what was spent earlier.

The window's first year has reports only from the window's first month: its year-to-date
figures leave out the months before (they are in `completed_before`).

Projects are made and inserted 5,000 at a time, so memory stays flat whatever N is. Each
project draws from its own seeded RNG; the same seed gives the same rows in the same database
state (existing codes and names are skipped, never duplicated).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from taizhang.accounts.models import Division, Organization
from taizhang.core.audit.service import record
from taizhang.core.context import acting
from taizhang.core.dbstats import refresh_planner_statistics
from taizhang.core.periods import Period
from taizhang.ledger.choices import ListKind, ReportStatus
from taizhang.ledger.models import (
    AnnualPlan,
    KeyList,
    KeyListMembership,
    MonthlyReport,
    Project,
    StageChange,
)
from taizhang.scenarios.common.fitting import wan
from taizhang.scenarios.synthetic.projects import (
    LIST_DATES,
    ProjectFactory,
    ProjectSpec,
    Window,
    stage_quota,
)
from taizhang.scenarios.synthetic.world import World, WorldBuilder, check_county_code, coordinate
from taizhang.stats import version

BATCH = 5000
DEFAULT_END = Period(2022, 7)
MAX_PROJECTS = 2_000_000
MAX_MONTHS = 120


@dataclass(frozen=True)
class Options:
    projects: int
    months: int = 24
    seed: int = 1
    division_code: str = "130283"
    end: Period = DEFAULT_END

    def check(self, today: date) -> None:
        if not 1 <= self.projects <= MAX_PROJECTS:
            raise ValueError(f"--projects must be between 1 and {MAX_PROJECTS:,}")
        if not 1 <= self.months <= MAX_MONTHS:
            raise ValueError(f"--months must be between 1 and {MAX_MONTHS}")
        check_county_code(self.division_code)
        if self.end > Period.of(today):
            raise ValueError(f"the window cannot end after this month ({Period.of(today)})")
        first = self.end
        for _ in range(self.months - 1):
            first = first.previous()
        if first.year < 2000:
            raise ValueError("the window cannot start before 2000")


@dataclass
class GenerateResult:
    options: Options
    county: Division
    first: Period
    counts: dict[str, int]
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)


class _Inserter:
    """Buffers rows of one model and inserts them `BATCH` at a time."""

    def __init__(self, model: type[models.Model], label: str, counts: dict[str, int],
                 timings: dict[str, float]) -> None:
        self.model, self.label = model, label
        self.counts, self.timings = counts, timings
        self.rows: list[models.Model] = []
        counts.setdefault(label, 0)

    def add(self, obj: models.Model) -> None:
        self.rows.append(obj)
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> list[models.Model]:
        rows, self.rows = self.rows, []
        if rows:
            started = time.perf_counter()
            self.model._default_manager.bulk_create(rows, batch_size=BATCH)
            key = f"insert {self.label}"
            self.timings[key] = self.timings.get(key, 0.0) + time.perf_counter() - started
            self.counts[self.label] += len(rows)
        return rows


def generate(
    options: Options, *, log: Callable[[str], None] | None = None, today: date | None = None
) -> GenerateResult:
    log = log or (lambda _msg: None)
    today = today or timezone.localdate()
    options.check(today)
    started = time.perf_counter()
    with acting("command"):
        with transaction.atomic():
            result = _Generator(options, today, log).run()
            version.bump()  # bulk inserts without audit events: cached figures must go too
            # Without fresh statistics a bulk-loaded database plans nested loops over hundreds
            # of thousands of rows (seen: 2 s instead of 0.3 s for the stats).
            refresh_planner_statistics()
            committing = time.perf_counter()
        result.timings["commit"] = time.perf_counter() - committing
    result.seconds = time.perf_counter() - started
    return result


class _Generator:
    def __init__(self, options: Options, today: date, log: Callable[[str], None]) -> None:
        self.o = options
        self.window = Window(options.end, options.months, today)
        self.log = log
        self.counts: dict[str, int] = {}
        self.timings: dict[str, float] = {}

    def run(self) -> GenerateResult:
        o = self.o
        t0 = time.perf_counter()
        county_code = o.division_code
        taken_codes = {c for c in Project.objects.filter(code__contains=f"-{county_code}-")
                       .values_list("code", flat=True) if c}
        taken_credit = {c for c in Organization.objects.exclude(credit_code=None)
                        .values_list("credit_code", flat=True) if c}
        taken_names = set(Organization.objects.filter(kind="enterprise")
                          .values_list("name", flat=True))
        builder = WorldBuilder(o.seed, county_code, o.projects, o.end, taken_credit, taken_names)
        world = builder.build()
        self.counts.update(world.counts)
        self.lists = self.key_lists(world)
        self.timings["places, units, people"] = time.perf_counter() - t0
        self.log(f"  places, units and people: {self.timings['places, units, people']:.1f} s")

        factory = ProjectFactory(world, self.window, o.seed, taken_codes)
        stages = stage_quota(o.projects, random.Random(f"taizhang-stages/{o.seed}"))
        projects_out = _Inserter(Project, "projects", self.counts, self.timings)
        out = {
            "stages": _Inserter(StageChange, "stage changes", self.counts, self.timings),
            "plans": _Inserter(AnnualPlan, "annual plans", self.counts, self.timings),
            "lists": _Inserter(KeyListMembership, "key-list memberships", self.counts,
                               self.timings),
            "reports": _Inserter(MonthlyReport, "monthly reports", self.counts, self.timings),
        }
        t1 = time.perf_counter()
        for low in range(0, o.projects, BATCH):
            specs = [factory.make(i, stages[i]) for i in range(low, min(o.projects, low + BATCH))]
            projects_out.rows = [self.project(spec) for spec in specs]
            projects = projects_out.flush()
            if projects and projects[0].pk is None:  # pragma: no cover - SQLite < 3.35
                raise RuntimeError("this database does not return ids from bulk inserts")
            for spec, project in zip(specs, projects, strict=True):
                self.children(spec, project.pk, out)
            done = min(o.projects, low + BATCH)
            self.log(f"  {done:,} / {o.projects:,} projects, "
                     f"{self.counts['monthly reports']:,} reports so far "
                     f"({time.perf_counter() - t0:.0f} s)")
        for inserter in out.values():
            inserter.flush()
        inserting = sum(v for k, v in self.timings.items() if k.startswith("insert "))
        self.timings["making rows (Python)"] = time.perf_counter() - t1 - inserting
        county = world.county
        self.counts["audit events"] = 1
        params = {"projects": o.projects, "months": o.months, "seed": o.seed,
                  "division_code": o.division_code, "first": str(self.window.first),
                  "end": str(o.end)}
        record("scenario.generated", county, actor=None,
               changes={"parameters": params, "rows": dict(self.counts)},
               reason=f"taizhang generate --projects {o.projects} --months {o.months} "
                      f"--seed {o.seed} --division-code {o.division_code} --end {o.end}")
        return GenerateResult(options=o, county=county, first=self.window.first,
                              counts=self.counts, seconds=0.0, timings=self.timings)

    def key_lists(self, world: World) -> dict[tuple[str, str, int], KeyList]:
        names = {
            ("county", "key"): f"{{y}}年{world.name}重点项目",
            ("province", "key"): f"{{y}}年{world.province_name}重点建设项目",
            ("prefecture", "key"): f"{{y}}年{world.prefecture_name}重点建设项目",
            ("province", "prestage"): f"{{y}}年{world.province_name}重点前期项目",
        }
        lists: dict[tuple[str, str, int], KeyList] = {}
        created = 0
        for year in self.window.years:
            for level, kind in LIST_DATES:
                if kind == ListKind.PRESTAGE and year != self.window.horizon.year:
                    continue
                key_list, new = KeyList.objects.get_or_create(
                    level=level, kind=kind, year=year,
                    defaults={"name": names[level, kind].format(y=year)})
                lists[level, kind, year] = key_list
                created += new
        self.counts["key lists"] = created
        return lists

    def project(self, p: ProjectSpec) -> Project:
        funding = {name: None if cents is None else wan(cents)
                   for name, cents in p.funding.items()}
        return Project(
            code=p.code, name=p.name, owner_id=p.owner_id, nature=p.nature,
            industry=p.industry, project_type=p.ptype, division_id=p.division_id,
            address=p.address, scale_content=p.scale,
            latitude=None if p.lat is None else coordinate(p.lat),
            longitude=None if p.lon is None else coordinate(p.lon),
            planned_total=wan(p.total), completed_before=wan(p.opening),
            planned_start=p.planned_start, planned_completion=p.planned_completion,
            actual_start=p.actual_start, actual_completion=p.actual_completion, stage=p.stage,
            leader_id=p.leader_id, responsible_unit_id=p.unit_id, contact_name=p.contact[0],
            contact_phone=p.contact[1], **funding,
        )

    def children(self, p: ProjectSpec, pk: Any, out: dict[str, _Inserter]) -> None:
        for from_stage, to_stage, day, reason in p.moves:
            out["stages"].add(StageChange(project_id=pk, from_stage=from_stage,
                                          to_stage=to_stage, effective_date=day, reason=reason))
        for year, cents, target, new_start in p.plans:
            out["plans"].add(AnnualPlan(project_id=pk, year=year, planned_investment=wan(cents),
                                        image_target=target, planned_new_start=new_start))
        for key, status, applied, decided in p.lists:
            out["lists"].add(KeyListMembership(project_id=pk, key_list=self.lists[key],
                                               status=status, applied_on=applied,
                                               decided_on=decided))
        approved = ReportStatus.APPROVED
        for r in p.reports:
            out["reports"].add(MonthlyReport(
                project_id=pk, period=r.period, completed=wan(r.cents),
                image_progress=r.progress, behind_schedule=r.behind,
                behind_reason=r.problems if r.behind else "", problems=r.problems,
                next_steps=r.next_steps, status=approved, submitted_at=r.sent,
                reviewed_at=r.reviewed,
            ))
        p.reports = []  # the chunk's specs stay in memory until it is done; the reports need not
