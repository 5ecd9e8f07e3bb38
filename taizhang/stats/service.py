"""The one statistics service: every page, export and bulletin takes its numbers from here.

Three aggregate queries, whatever the number of projects: one over projects, one over annual
plans and one over approved monthly reports, each with a conditional SUM per stage and batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from taizhang.accounts.models import OfficeSettings
from taizhang.core.money import ZERO, ratio, wan, wan_to_yi
from taizhang.core.periods import Period
from taizhang.ledger.choices import Batch, ReportStatus, Stage
from taizhang.ledger.models import AnnualPlan, MonthlyReport, Project

PERCENT = Decimal(100)


def batch_conditions(period: Period) -> dict[str, Q]:
    """The four batches as conditions on a project (they may overlap, as in the article)."""
    started_this_year = Q(actual_start__gte=period.year_start, actual_start__lte=period.last_day)
    return {
        Batch.PLANNING: Q(stage__in=[Stage.PLANNING, Stage.PRELIMINARY]),
        Batch.STARTING: started_this_year,
        Batch.BUILDING: Q(stage=Stage.UNDER_CONSTRUCTION, actual_start__lt=period.year_start),
        Batch.PRODUCING: Q(
            actual_completion__gte=period.year_start, actual_completion__lte=period.last_day
        ),
    }


def _prefixed(q: Q, prefix: str) -> Q:
    """The same condition seen from a related model (`project__stage` for `stage`)."""
    clone = Q()
    clone.connector, clone.negated = q.connector, q.negated
    clone.children = [
        _prefixed(child, prefix) if isinstance(child, Q) else (prefix + child[0], child[1])
        for child in q.children
        if isinstance(child, Q | tuple)
    ]
    return clone


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
        return ratio(self.total.ytd_completed, self.total.annual_plan)

    @property
    def time_progress(self) -> Decimal:
        return self.period.time_progress

    @property
    def points_vs_time(self) -> Decimal | None:
        """超/慢序时进度 in percentage points (positive = ahead)."""
        rate = self.completion_rate
        if rate is None:
            return None
        return ((rate - self.time_progress) * PERCENT).quantize(Decimal("0.01"))

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


def compute(
    projects: QuerySet[Project],
    period: Period,
    *,
    start_rate_basis: str = OfficeSettings.StartRateBasis.PLANNED,
) -> LedgerStats:
    """Statistics of `projects` (already scoped and filtered) for `period`."""
    segments: dict[str, Q] = {"all": Q()}
    segments.update({f"stage:{s}": Q(stage=s) for s in Stage.values})
    segments.update({f"batch:{b}": q for b, q in batch_conditions(period).items()})
    keys = {name: f"s{i}" for i, name in enumerate(segments)}
    started = batch_conditions(period)[Batch.STARTING]

    project_aggs: dict[str, Any] = {"new_starts": Count("id", filter=started)}
    plan_aggs: dict[str, Any] = {
        "planned_new": Count("id", filter=Q(planned_new_start=True)),
        "planned_started": Count(
            "id", filter=Q(planned_new_start=True) & _prefixed(started, "project__")
        ),
    }
    report_aggs: dict[str, Any] = {}
    in_year = Q(period__gte=period.year_start)
    # A lump (covers_from set) holds several months with no known split: not a month figure.
    in_month = Q(period=period.first_day, covers_from__isnull=True)
    for name, q in segments.items():
        key = keys[name]
        related = _prefixed(q, "project__")
        project_aggs[f"{key}_n"] = Count("id", filter=q)
        project_aggs[f"{key}_total"] = Sum("planned_total", filter=q)
        project_aggs[f"{key}_opening"] = Sum("completed_before", filter=q)
        plan_aggs[f"{key}_plan"] = Sum("planned_investment", filter=related)
        report_aggs[f"{key}_ytd"] = Sum("completed", filter=related & in_year)
        report_aggs[f"{key}_month"] = Sum("completed", filter=related & in_month)
        report_aggs[f"{key}_since"] = Sum("completed", filter=related)

    ids = projects.values("pk")
    p = projects.aggregate(**project_aggs)
    a = AnnualPlan.objects.filter(year=period.year, project__in=ids).aggregate(**plan_aggs)
    r = MonthlyReport.objects.filter(
        project__in=ids, status=ReportStatus.APPROVED, period__lte=period.first_day
    ).aggregate(**report_aggs)

    def segment(name: str) -> Segment:
        key = keys[name]
        return Segment(
            projects=p[f"{key}_n"] or 0,
            planned_total=p[f"{key}_total"] or ZERO,
            annual_plan=a[f"{key}_plan"] or ZERO,
            ytd_completed=r[f"{key}_ytd"] or ZERO,
            month_completed=r[f"{key}_month"] or ZERO,
            since_start_completed=(r[f"{key}_since"] or ZERO) + (p[f"{key}_opening"] or ZERO),
        )

    return LedgerStats(
        period=period,
        total=segment("all"),
        by_stage={s: segment(f"stage:{s}") for s in Stage.values},
        batches={b: segment(f"batch:{b}") for b in Batch.values},
        new_starts=p["new_starts"] or 0,
        planned_new_starts=a["planned_new"] or 0,
        started_of_planned=a["planned_started"] or 0,
        start_rate_basis=start_rate_basis,
    )
