"""Every number of a bulletin, in one object, all from taizhang/figures and stats.service.

``build(projects, period, …)`` asks the statistics (``compute_grouped`` by responsible unit
and by township: the same figures as the list, the cockpit and ``taizhang stats``), the
per-project annotations (``figures.per_project``), the cumulative curve
(``figures.series``) and, when installed, the lamps and the assessment ranking. It copies no
rule: the month's new starts and completions are the year's starting and production batches
(``stats.service.batch_conditions``) narrowed to the month.

The writers (``writers/``) read this object only, never the database, so a published
bulletin's snapshot (``to_json``/``from_json``) writes the same documents again.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from taizhang.core.money import wan
from taizhang.core.periods import Period
from taizhang.figures import rates
from taizhang.figures.per_project import counted, with_figures
from taizhang.figures.series import year_to_date_by_month
from taizhang.ledger.choices import Batch, Stage
from taizhang.ledger.models import Project
from taizhang.stats.service import GroupedStats, LedgerStats, batch_conditions, compute_grouped

#: The article's four batches, in the bulletin's words and order.
BATCH_WORDS: dict[str, str] = {
    Batch.PLANNING: "谋划", Batch.STARTING: "开工", Batch.BUILDING: "建设", Batch.PRODUCING: "投产"}
STAGE_WORDS: dict[str, str] = {
    Stage.PLANNING: "谋划储备", Stage.PRELIMINARY: "前期", Stage.UNDER_CONSTRUCTION: "在建",
    Stage.COMPLETED: "竣工投产", Stage.ON_HOLD: "暂缓", Stage.CANCELLED: "终止"}
#: The group without a unit (or township): a row of its own, so the rows add up to the total.
NO_GROUP = "未明确"
SNAPSHOT_VERSION = 1


@dataclass
class Figures:
    """One line of a summary: a group (a unit, a township) or the total."""

    key: str
    name: str
    projects: int
    planned_total: Decimal
    annual_plan: Decimal
    ytd_completed: Decimal
    month_completed: Decimal
    completion_rate: Decimal | None
    points_vs_time: Decimal | None
    new_starts: int
    rank: int | None = None


@dataclass
class BatchLine:
    key: str
    word: str
    projects: int
    planned_total: Decimal
    annual_plan: Decimal
    ytd_completed: Decimal


@dataclass
class ProjectLine:
    """A project of the ledger at the period (万元), with its lamp once lamps exist."""

    id: int
    code: str
    name: str
    unit: str
    township: str
    stage: str
    planned_total: Decimal
    annual_plan: Decimal
    ytd_completed: Decimal
    month_completed: Decimal
    since_start_completed: Decimal
    completion_rate: Decimal | None
    points_vs_time: Decimal | None
    actual_start: str
    actual_completion: str
    lamp: str = ""
    lamp_reason: str = ""


@dataclass
class LampLine:
    project: str
    unit: str
    color: str
    reason: str


@dataclass
class RankLine:
    rank: int
    name: str
    total: Decimal
    mark: str


@dataclass
class CurvePoint:
    month: int
    ytd_completed: Decimal
    plan_line: Decimal  # the annual plan × time progress of that month


@dataclass
class CountLine:
    """A count of a dispatch summary: meetings of a kind, problems solved in a category or by
    a unit (a list, so the order survives the snapshot's sorted keys)."""

    key: str
    name: str
    count: int


@dataclass
class DispatchSummary:
    """Dispatch's counts (dispatch/figures.py) year to date: meetings per kind, the problems
    raised, resolved, open and overdue at the period's end, and those solved per category and
    per responsible unit. Names in Chinese, as the document is."""

    meetings: list[CountLine]
    raised: int
    resolved: int
    open: int
    overdue: int
    by_category: list[CountLine]
    by_unit: list[CountLine]


@dataclass
class FactorLine:
    label: str
    value: str


@dataclass
class FactorSection:
    """A statistics section another app shows (core/registry.py `stats_section` with a view:
    financing, land, attraction, policies), as text: its heading and (label, value) lines,
    made from the dict `taizhang stats --json` prints for the period."""

    name: str
    title: str
    lines: list[FactorLine]


@dataclass
class Masthead:
    """What the office sets (BulletinSettings) and the number the bulletin carries."""

    office: str
    title: str
    number: str
    date: str


@dataclass
class Content:
    period: str
    division: str
    masthead: Masthead
    total: Figures
    time_progress: Decimal
    start_rate: Decimal | None
    start_rate_basis: str
    planned_new_starts: int
    batches: list[BatchLine]
    units: list[Figures]
    townships: list[Figures]
    curve: list[CurvePoint]
    new_starts: list[ProjectLine]
    completions: list[ProjectLine]
    ledger: list[ProjectLine]
    # None: that part of the system is not there, and the document says so (not an empty list).
    lamps: list[LampLine] | None = None
    rankings: dict[str, list[RankLine]] | None = None
    dispatch: DispatchSummary | None = None  # None: no meetings nor problems this year
    # None: no app shows a section, or the division does not hold the whole deployment.
    factors: list[FactorSection] | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def the_period(self) -> Period:
        return Period.parse(self.period)

    def to_json(self) -> str:
        return json.dumps({"version": SNAPSHOT_VERSION, **dataclasses.asdict(self)},
                          ensure_ascii=False, default=str, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Content:
        data = json.loads(text)
        data.pop("version", None)
        return _load(cls, data)

    def numbers(self) -> dict[str, Any]:
        """The numbers alone (the masthead and notes aside): what a regenerate must repeat."""
        data = json.loads(self.to_json())
        for key in ("masthead", "notes", "version"):
            data.pop(key, None)
        return data


def _load(hint: Any, value: Any) -> Any:
    """``value`` read back as ``hint`` (a dataclass, Decimal, list, dict or Optional)."""
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return _load(next(a for a in typing.get_args(hint) if a is not type(None)), value)
    if origin is list:
        return [_load(typing.get_args(hint)[0], v) for v in value]
    if origin is dict:
        return {k: _load(typing.get_args(hint)[1], v) for k, v in value.items()}
    if dataclasses.is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        make: Any = hint
        return make(**{f.name: _load(hints[f.name], value[f.name])
                       for f in dataclasses.fields(hint) if f.name in value})
    if hint is Decimal:
        return Decimal(value)
    return value


# --- building it ----------------------------------------------------------------------------

def _figures(key: Any, name: str, stats: LedgerStats) -> Figures:
    total = stats.total
    return Figures(key="" if key is None else str(key), name=name, projects=total.projects,
                   planned_total=total.planned_total, annual_plan=total.annual_plan,
                   ytd_completed=total.ytd_completed, month_completed=total.month_completed,
                   completion_rate=stats.completion_rate, points_vs_time=stats.points_vs_time,
                   new_starts=stats.new_starts)


def ranked(lines: list[Figures]) -> list[Figures]:
    """The lines by completion rate, highest first, ranked 1, 2, 2, 4 (equal rates share a
    rank; among them, by name); lines without a plan come last, unranked."""
    order = sorted(lines, key=lambda f: (f.completion_rate is None,
                                         -(f.completion_rate or 0), f.name, f.key))
    previous: tuple[int, Decimal | None] | None = None
    for position, line in enumerate(order, start=1):
        if line.completion_rate is None:
            line.rank = None
        elif previous and previous[1] == line.completion_rate:
            line.rank = previous[0]
        else:
            line.rank = position
        previous = (line.rank or 0, line.completion_rate)
    return order


def _groups(grouped: GroupedStats) -> list[Figures]:
    return ranked([_figures(key, grouped.names.get(key) or NO_GROUP, stats)
                   for key, stats in grouped.groups.items()])


def _project_lines(projects: QuerySet[Project], period: Period) -> list[ProjectLine]:
    annotated: Any = with_figures(projects, period)
    rows = (annotated.order_by("responsible_unit__name", "name", "pk")
            .values_list("pk", "code", "name", "responsible_unit__name", "division__name",
                         "stage", "planned_total", "annual_plan", "ytd_completed",
                         "month_completed", "since_start_completed", "actual_start",
                         "actual_completion"))
    lines = []
    for (pk, code, name, unit, township, stage, planned, plan, ytd, month, since, start,
         done) in rows.iterator(chunk_size=2000):
        rate = rates.completion_rate(wan(ytd), wan(plan))
        lines.append(ProjectLine(
            id=pk, code=code or "", name=name, unit=unit or "", township=township or "",
            stage=STAGE_WORDS.get(stage, stage), planned_total=wan(planned),
            annual_plan=wan(plan), ytd_completed=wan(ytd), month_completed=wan(month),
            since_start_completed=wan(since), completion_rate=rate,
            points_vs_time=rates.points_vs_time(rate, period),
            actual_start=start.isoformat() if start else "",
            actual_completion=done.isoformat() if done else ""))
    return lines


def _in_month(conditions: dict[str, Q], batch: str, field_name: str, period: Period) -> Q:
    """The year's batch, narrowed to the period's month."""
    return conditions[batch] & Q(**{f"{field_name}__gte": period.first_day})


def build(projects: QuerySet[Project], period: Period, *, division: str, masthead: Masthead,
          start_rate_basis: str, extras: Any = None) -> Content:
    """The bulletin of ``projects`` (already scoped) for ``period``. ``extras`` adds the
    sections of other apps (lamps, rankings, dispatch, production factors):
    ``bulletin/sections.py``."""
    by_unit = compute_grouped(projects, period, "unit", start_rate_basis=start_rate_basis)
    by_township = compute_grouped(projects, period, "township",
                                  start_rate_basis=start_rate_basis)
    stats = by_unit.total
    here = counted(projects, period)
    conditions = batch_conditions(period)
    ledger = _project_lines(here, period)
    starts = set(here.filter(_in_month(conditions, Batch.STARTING, "actual_start", period))
                 .values_list("pk", flat=True))
    finished = set(here.filter(_in_month(conditions, Batch.PRODUCING, "actual_completion",
                                         period)).values_list("pk", flat=True))
    plan = stats.total.annual_plan
    curve = [CurvePoint(at.month, ytd, wan(plan * rates.time_progress(at)))
             for at, ytd in year_to_date_by_month(projects, period)]
    content = Content(
        period=str(period), division=division, masthead=masthead,
        total=_figures("", division, stats), time_progress=stats.time_progress,
        start_rate=stats.start_rate, start_rate_basis=start_rate_basis,
        planned_new_starts=stats.planned_new_starts,
        batches=[BatchLine(b, BATCH_WORDS[b], s.projects, s.planned_total, s.annual_plan,
                           s.ytd_completed) for b, s in stats.batches.items()],
        units=_groups(by_unit), townships=_groups(by_township), curve=curve,
        new_starts=[line for line in ledger if line.id in starts],
        completions=[line for line in ledger if line.id in finished],
        ledger=ledger)
    if extras is not None:
        extras(content, projects, period)
    return content
