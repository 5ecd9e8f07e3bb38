"""The one statistics service: every page, export and bulletin takes its numbers from here.

One SQL statement whatever the number of projects (figures/aggregate.py): aggregates over
the projects, their annual plans and their approved monthly reports, each grouped by stage
and batch flags; the figure rules themselves live in taizhang/figures. Cancelled projects
(终止) leave the figures here, unless the caller's stage filter asks for them. Pages that show
figures on every request take them through stats/cache.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from taizhang.accounts.models import OfficeSettings
from taizhang.core.money import ZERO, ratio, wan, wan_to_yi
from taizhang.core.periods import Period
from taizhang.figures import rates
from taizhang.figures.aggregate import FLAGS, Row, aggregate_rows
from taizhang.figures.groups import GROUPINGS, OVERLAPPING
from taizhang.ledger.choices import Batch, Stage
from taizhang.ledger.models import Project


def batch_conditions(period: Period, stage: str = "stage") -> dict[str, Q]:
    """The four batches as conditions on a project (they may overlap, as in the article);
    ``stage`` names the stage to test (the statistics use the stage as of the period)."""
    started_this_year = Q(actual_start__gte=period.year_start, actual_start__lte=period.last_day)
    return {
        Batch.PLANNING: Q(**{f"{stage}__in": [Stage.PLANNING, Stage.PRELIMINARY]}),
        Batch.STARTING: started_this_year,
        Batch.BUILDING: Q(**{stage: Stage.UNDER_CONSTRUCTION},
                          actual_start__lt=period.year_start),
        Batch.PRODUCING: Q(
            actual_completion__gte=period.year_start, actual_completion__lte=period.last_day
        ),
    }


@dataclass
class Segment:
    """Count and money of one slice (a stage, a batch, or everything)."""

    projects: int = 0
    planned_total: Decimal = ZERO
    annual_plan: Decimal = ZERO
    ytd_completed: Decimal = ZERO
    month_completed: Decimal = ZERO
    since_start_completed: Decimal = ZERO

    def as_dict(self) -> dict[str, Any]:
        return {
            "projects": self.projects,
            "planned_total_wan": str(wan(self.planned_total)),
            "annual_plan_wan": str(wan(self.annual_plan)),
            "ytd_completed_wan": str(wan(self.ytd_completed)),
            "month_completed_wan": str(wan(self.month_completed)),
        }


@dataclass
class LedgerStats:
    period: Period
    total: Segment
    by_stage: dict[str, Segment]
    batches: dict[str, Segment]
    new_starts: int
    planned_new_starts: int
    started_of_planned: int
    start_rate_basis: str
    extra: dict[str, Any] = field(default_factory=dict)

    # The bulletin's formulas, in one place.
    @property
    def completion_rate(self) -> Decimal | None:
        return rates.completion_rate(self.total.ytd_completed, self.total.annual_plan)

    @property
    def time_progress(self) -> Decimal:
        return rates.time_progress(self.period)

    @property
    def points_vs_time(self) -> Decimal | None:
        """超/慢序时进度 in percentage points (positive = ahead)."""
        return rates.points_vs_time(self.completion_rate, self.period)

    @property
    def since_start_share(self) -> Decimal | None:
        return ratio(self.total.since_start_completed, self.total.planned_total)

    @property
    def start_rate(self) -> Decimal | None:
        if self.start_rate_basis == OfficeSettings.StartRateBasis.ALL:
            return ratio(self.new_starts, self.total.projects)
        return ratio(self.started_of_planned, self.planned_new_starts)

    def as_dict(self) -> dict[str, Any]:
        def rate(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        data = {
            "period": str(self.period),
            "projects": self.total.projects,
            "planned_total_wan": str(wan(self.total.planned_total)),
            "planned_total_yi": str(wan_to_yi(self.total.planned_total)),
            "annual_plan_wan": str(wan(self.total.annual_plan)),
            "ytd_completed_wan": str(wan(self.total.ytd_completed)),
            "month_completed_wan": str(wan(self.total.month_completed)),
            "since_start_completed_wan": str(wan(self.total.since_start_completed)),
            "completion_rate": rate(self.completion_rate),
            "time_progress": str(self.time_progress),
            "points_vs_time_progress": rate(self.points_vs_time),
            "since_start_share": rate(self.since_start_share),
            "new_starts": self.new_starts,
            "planned_new_starts": self.planned_new_starts,
            "start_rate": rate(self.start_rate),
            "start_rate_basis": self.start_rate_basis,
            "by_stage": {name: seg.as_dict() for name, seg in self.by_stage.items()},
            "batches": {name: seg.as_dict() for name, seg in self.batches.items()},
        }
        data.update(self.extra)
        return data


def _flags(period: Period) -> dict[str, ExpressionWrapper]:
    """The batch conditions that are not a plain stage, as boolean columns to group by,
    without their stage part: the building batch's column is "started before the year", and
    `_segments_of` adds "under construction" from the stage the rows are grouped by (the
    stage as of the period, joined in once per project by figures/aggregate.py)."""
    conditions = batch_conditions(period)
    conditions[Batch.BUILDING] = Q(actual_start__lt=period.year_start)
    return {
        f"f_{batch}": ExpressionWrapper(conditions[batch], output_field=BooleanField())
        for batch in (Batch.STARTING, Batch.BUILDING, Batch.PRODUCING)
    }


def _segments_of(stage: str, row: dict[str, Any]) -> list[str]:
    """Every segment a group of rows (one stage, one combination of flags) belongs to."""
    names = ["all", f"stage:{stage}"]
    if stage in (Stage.PLANNING, Stage.PRELIMINARY):
        names.append(f"batch:{Batch.PLANNING}")
    if stage != Stage.UNDER_CONSTRUCTION:  # `_flags`: the building batch's stage part
        row = {**row, f"f_{Batch.BUILDING}": False}
    names += [f"batch:{b}" for b in (Batch.STARTING, Batch.BUILDING, Batch.PRODUCING)
              if row[f"f_{b}"]]
    return names


def compute(
    projects: QuerySet[Project],
    period: Period,
    *,
    start_rate_basis: str = OfficeSettings.StartRateBasis.PLANNED,
    include_cancelled: bool = False,
    few: bool = False,
) -> LedgerStats:
    """Statistics of `projects` (already scoped and filtered) for `period`.

    Cancelled projects (终止 by the end of the period: `figures.per_project.counted`'s rule,
    applied inside the statement) are left out unless `include_cancelled` (a stage filter
    that asks for them): a roll-up or a loader passing every project counts none of them.
    Stages are those at the end of the period (figures/stages.py).

    One SQL statement (figures/aggregate.py) gives the sums per stage and batch flags (at
    most 48 groups per part), exact on every database, and the segments are added up here
    from those groups, exactly, in Decimal. `few`: the projects are few (a slice of a
    division): another form of the statement (figures/aggregate.py).
    """
    rows = aggregate_rows(projects, period, _flags(period),
                          drop_cancelled=not include_cancelled, few=few)
    return _add_up(rows, period, start_rate_basis)


@dataclass
class GroupedStats:
    """The statistics of every group of one grouping (figures/groups.py), and the total."""

    by: str
    total: LedgerStats
    groups: dict[Any, LedgerStats]
    names: dict[Any, str]

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.total.as_dict(),
            "group_by": self.by,
            "groups": [{"key": key, "name": self.names.get(key, ""), **stats.as_dict()}
                       for key, stats in self.groups.items()],
        }


def compute_grouped(
    projects: QuerySet[Project],
    period: Period,
    by: str,
    *,
    start_rate_basis: str = OfficeSettings.StartRateBasis.PLANNED,
    include_cancelled: bool = False,
    names: bool = True,
) -> GroupedStats:
    """`compute`, and the same statistics per group of `by` (a name in figures/groups.py):
    one SQL statement for the groups and one for their names (unless not `names`). Every
    group's figures add up to the total, so the total is their sum; except key lists' (a
    project on several lists is in each of their groups), whose total is `compute`'s, one
    statement more."""
    grouping, names_of = GROUPINGS[by]
    grouped, group = grouping(projects, period)
    buckets = _rows_per_group(grouped, period, group, include_cancelled=include_cancelled,
                              overlapping=by in OVERLAPPING)
    if by in OVERLAPPING:
        total = compute(projects, period, start_rate_basis=start_rate_basis,
                        include_cancelled=include_cancelled)
    else:
        total = _add_up([row for rows in buckets.values() for row in rows], period,
                        start_rate_basis)
    ordered = sorted(buckets, key=lambda k: (k is None, str(k)))
    groups = {key: _add_up(buckets[key], period, start_rate_basis) for key in ordered}
    return GroupedStats(by, total, groups, names_of(groups) if names else {})


def compute_per(projects: QuerySet[Project], period: Period, key: Any, *,
                start_rate_basis: str = OfficeSettings.StartRateBasis.PLANNED,
                include_cancelled: bool = False, few: bool = False) -> dict[Any, LedgerStats]:
    """`compute` of the projects of each value of `key` (an expression with one value per
    project, such as stats/cache.py's slices), in one statement; values without projects
    are missing."""
    buckets = _rows_per_group(projects, period, key, include_cancelled=include_cancelled,
                              few=few)
    return {k: _add_up(rows, period, start_rate_basis) for k, rows in buckets.items()}


def _rows_per_group(projects: QuerySet[Project], period: Period, group: Any, *,
                    include_cancelled: bool, overlapping: bool = False, few: bool = False
                    ) -> dict[Any, list[Row]]:
    buckets: dict[Any, list[Row]] = {}
    for part, key, *rest in aggregate_rows(projects, period, _flags(period), group,
                                           drop_cancelled=not include_cancelled,
                                           overlapping=overlapping, few=few):
        buckets.setdefault(key, []).append((part, *rest))
    return buckets


def sum_of(parts: Iterable[LedgerStats], period: Period, start_rate_basis: str) -> LedgerStats:
    """The statistics of disjoint sets of projects put together, exactly (the statistics of
    their union: every figure is a count or a sum)."""
    total = _add_up([], period, start_rate_basis)
    names = _SEGMENT_FIELDS
    for part in parts:
        for mine, theirs in ((total.total, part.total),
                             *((total.by_stage[s], part.by_stage[s]) for s in total.by_stage),
                             *((total.batches[b], part.batches[b]) for b in total.batches)):
            if theirs.projects == 0 and theirs == _EMPTY:
                continue  # an empty slice: nothing to add (most of a sparse ledger's)
            mine_values, their_values = mine.__dict__, theirs.__dict__
            for name in names:
                mine_values[name] += their_values[name]
        total.new_starts += part.new_starts
        total.planned_new_starts += part.planned_new_starts
        total.started_of_planned += part.started_of_planned
    return total


_SEGMENT_FIELDS = [f.name for f in fields(Segment)]
_EMPTY = Segment()


def _add_up(rows: list[Row], period: Period, start_rate_basis: str) -> LedgerStats:
    """The segments of one set of aggregate rows, added up exactly in Decimal."""
    names = ["all", *(f"stage:{s}" for s in Stage.values),
             *(f"batch:{b}" for b in Batch.values)]
    segments = {name: Segment() for name in names}
    new_starts = planned_new = planned_started = 0
    for part, stage, *flag_values, a, b, c in rows:
        row = dict(zip(FLAGS, flag_values, strict=True))
        in_segments = [segments[name] for name in _segments_of(stage, row)]
        starting = bool(row[f"f_{Batch.STARTING}"])
        if part == "p":
            count = int(a)
            new_starts += count if starting else 0
            for seg in in_segments:
                seg.projects += count
                seg.planned_total += wan(b)
                seg.since_start_completed += wan(c)
        elif part == "a":
            planned = int(b or 0)
            planned_new += planned
            # A planned new start has started when its project is in the starting batch.
            planned_started += planned if starting else 0
            for seg in in_segments:
                seg.annual_plan += wan(a)
        else:
            for seg in in_segments:
                seg.ytd_completed += wan(a)
                seg.month_completed += wan(b)
                seg.since_start_completed += wan(c)

    return LedgerStats(
        period=period,
        total=segments["all"],
        by_stage={s: segments[f"stage:{s}"] for s in Stage.values},
        batches={b: segments[f"batch:{b}"] for b in Batch.values},
        new_starts=new_starts,
        planned_new_starts=planned_new,
        started_of_planned=planned_started,
        start_rate_basis=start_rate_basis,
    )
