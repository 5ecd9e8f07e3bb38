"""Each project's figures for a period, as SQL annotations: a page of rows is one query.

Annotations (Decimal 万元, summed exactly through core/money_sql.py):
``annual_plan``, ``ytd_completed``, ``month_completed``, ``since_start_completed``. With
``blank=True`` (the exported sheet) a missing plan of the year and a month without a figure
(no approved report, or a lump) are None, an empty cell, instead of 0.00.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.lookups import Exact

from taizhang.core.money_sql import Cents, MoneyAdd, MoneySum, SummedMoney, money_or_zero
from taizhang.core.periods import Period
from taizhang.figures import rates
from taizhang.figures import reports as rules
from taizhang.figures.stages import stage_as_of
from taizhang.ledger.choices import Stage
from taizhang.ledger.models import MonthlyReport, Project


def counted(projects: QuerySet[Project], period: Period, *,
            include_cancelled: bool = False) -> QuerySet[Project]:
    """The projects whose figures for ``period`` count: the ones cancelled (终止) by the end
    of the period leave every figure, unless a stage filter asks for them
    (``include_cancelled``)."""
    if include_cancelled:
        return projects
    return projects.exclude(Exact(stage_as_of(period), Value(Stage.CANCELLED)))


def _approved_sum(reports: QuerySet[MonthlyReport]) -> Subquery:
    # The status is a condition inside SUM, not in WHERE, so the (project, period) index is
    # used: filtering on status lets SQLite pick the (status, period, …) index and scan every
    # approved report once per project.
    summed = reports.values("project").annotate(
        s=MoneySum("completed", filter=Q(status=rules.APPROVED))
    ).values("s")[:1]
    return Subquery(summed, output_field=SummedMoney())


def figure_expressions(period: Period, *, blank: bool = False) -> dict[str, Any]:
    """The annotations of the module's docstring, by name."""
    reports = rules.of_project()
    tables = amount_tables(period)
    plan = table_value(tables["annual_plan"])
    month = _approved_sum(reports.filter(rules.month_figure(period)))
    return {
        "annual_plan": plan if blank else money_or_zero(plan),
        "ytd_completed": money_or_zero(table_value(tables["ytd_completed"])),
        "month_completed": month if blank else money_or_zero(month),
        "since_start_completed": MoneyAdd(
            money_or_zero(_approved_sum(reports.filter(rules.through(period)))),
            Cents("completed_before")),
    }


def amount_tables(period: Period) -> dict[str, QuerySet[Any]]:
    """``annual_plan`` and ``ytd_completed`` of ``figure_expressions`` as tables: a row per
    project that has one (``project``; ``pid``, its id; ``value``, in the sum unit), 0.00 for
    a project without a row. For statements over a whole subtree (the lamps of a period),
    PostgreSQL joins each table once by hash instead of running a subquery per project
    (100,000 projects: 0.3 s against 0.6 s); `table_value` gives the same figure as that
    subquery, which is what ``figure_expressions`` reads."""
    return {
        "annual_plan": rules.plans_of_year(period).values(
            pid=F("project_id"), value=Cents("planned_investment")),
        "ytd_completed": MonthlyReport.objects.filter(rules.year_to_date(period)).order_by()
        .values(pid=F("project_id"))
        .annotate(value=MoneySum("completed", filter=Q(status=rules.APPROVED))),
    }


def table_value(table: QuerySet[Any], outer: str = "pk") -> Subquery:
    """An `amount_tables` table's value for the outer query's project (NULL without a
    row)."""
    return Subquery(table.filter(project=OuterRef(outer)).values("value")[:1],
                    output_field=SummedMoney())


def with_figures(projects: QuerySet[Project], period: Period, *,
                 blank: bool = False) -> QuerySet[Project]:
    """``projects`` annotated with their figures for ``period`` (module docstring)."""
    return projects.annotate(**figure_expressions(period, blank=blank))


class _Share(Func):
    """ytd ÷ plan, NULL without a plan: the completion rate's order, for sorting only (the
    rate shown is ``rates.completion_rate`` of the exact amounts)."""

    arity = 2
    arg_joiner = " * 1.0 / NULLIF("
    template = "(%(expressions)s, 0))"
    output_field = FloatField()


def behind_sql(ytd: str, plan: str, factor: Decimal, *, inclusive: bool = False) -> str:
    """``rates.is_behind`` (``is_at_least_behind`` when ``inclusive``) as SQL over two amounts
    in the sum unit: plan > 0 AND 1200 × ytd < factor × plan. Both sides times ten, so the
    factor (one decimal at most: ``rates.behind_factor``) is an integer and SQLite compares
    integer cents exactly."""
    tenfold = factor * 10
    if tenfold != tenfold.to_integral_value():
        raise ValueError(f"a behind factor has one decimal at most, not {factor}")
    return (f"({plan} > 0 AND {ytd} * 12000 {'<=' if inclusive else '<'} "
            f"{int(tenfold)} * {plan})")


class _Behind(Func):
    """``rates.is_behind`` in SQL (``behind_sql``; exact: cents on SQLite, NUMERIC
    elsewhere)."""

    arity = 2
    output_field = BooleanField()

    def __init__(self, ytd: Any, plan: Any, *, factor: Decimal) -> None:
        super().__init__(ytd, plan)
        self.factor = factor

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        (ytd, ytd_params), (plan, plan_params) = (
            compiler.compile(e) for e in self.get_source_expressions())
        return (behind_sql(ytd, plan, self.factor),
                [*plan_params, *ytd_params, *plan_params])


def behind_condition(period: Period, threshold: Decimal | None = None) -> _Behind:
    """A condition on projects: behind schedule (滞后) at ``period``."""
    figures = figure_expressions(period)
    return _Behind(figures["ytd_completed"], figures["annual_plan"],
                   factor=rates.behind_factor(period, threshold))


def behind_schedule(projects: QuerySet[Project], period: Period,
                    threshold: Decimal | None = None) -> QuerySet[Project]:
    """The projects of ``projects`` that are behind schedule (滞后) at ``period``."""
    return projects.filter(behind_condition(period, threshold))


def with_share(projects: QuerySet[Project]) -> QuerySet[Project]:
    """``projects`` (already ``with_figures``) with ``completion_share`` to sort by 占年度计划
    or by points against time progress (the same order: points = 100 × share − const)."""
    return projects.annotate(completion_share=_Share(F("ytd_completed"), F("annual_plan")))


@dataclass(frozen=True)
class ProjectRates:
    """One project's completion rate, points against time progress and 滞后 flag."""

    completion_rate: Decimal | None
    points_vs_time: Decimal | None
    behind: bool


def rates_of(project: Project, period: Period,
             threshold: Decimal | None = None) -> ProjectRates:
    """The rates of a project read ``with_figures`` for ``period`` (滞后 by ``threshold``
    points: ``rates.behind_threshold(office)``)."""
    p: Any = project
    rate = rates.completion_rate(p.ytd_completed, p.annual_plan)
    return ProjectRates(rate, rates.points_vs_time(rate, period),
                        rates.is_behind(p.ytd_completed, p.annual_plan, period, threshold))
