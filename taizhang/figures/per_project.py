"""Each project's figures for a period, as SQL annotations: a page of rows is one query.

Annotations (Decimal 万元, summed exactly through core/money_sql.py):
``annual_plan``, ``ytd_completed``, ``month_completed``, ``since_start_completed``. With
``blank=True`` (the exported sheet) a missing plan of the year and a month without a figure
(no approved report, or a lump) are None, an empty cell, instead of 0.00.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet, Subquery

from taizhang.core.money_sql import Cents, MoneyAdd, MoneySum, SummedMoney, money_or_zero
from taizhang.core.periods import Period
from taizhang.figures import reports as rules
from taizhang.ledger.choices import Stage
from taizhang.ledger.models import MonthlyReport, Project


def counted(projects: QuerySet[Project], *, include_cancelled: bool = False) -> QuerySet[Project]:
    """The projects whose figures count: cancelled ones (终止) leave every figure unless a
    stage filter asks for them (``include_cancelled``)."""
    return projects if include_cancelled else projects.exclude(stage=Stage.CANCELLED)


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
    plan = Subquery(rules.plan_of_year(period).values(a=Cents("planned_investment"))[:1],
                    output_field=SummedMoney())
    month = _approved_sum(reports.filter(rules.month_figure(period)))
    return {
        "annual_plan": plan if blank else money_or_zero(plan),
        "ytd_completed": money_or_zero(_approved_sum(reports.filter(rules.year_to_date(period)))),
        "month_completed": month if blank else money_or_zero(month),
        "since_start_completed": MoneyAdd(
            money_or_zero(_approved_sum(reports.filter(rules.through(period)))),
            Cents("completed_before")),
    }


def with_figures(projects: QuerySet[Project], period: Period, *,
                 blank: bool = False) -> QuerySet[Project]:
    """``projects`` annotated with their figures for ``period`` (module docstring)."""
    return projects.annotate(**figure_expressions(period, blank=blank))
