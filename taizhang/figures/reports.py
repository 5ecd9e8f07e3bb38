"""Which monthly reports count, and how: the one definition of every figure's reports.

- approved reports through a period: status approved, period ≤ the period's first day;
- year to date: those from January of the period's year;
- the month's figure: the approved report of the period itself, unless it is a lump
  (``covers_from`` set: several months with no known split, never one month's figure);
- since start: the opening balance (``Project.completed_before``) plus every approved report
  through the period;
- the plan of the year: the project's ``AnnualPlan`` of the period's year.

The same rules exist as ORM conditions (for subqueries and annotations) and as SQL fragments
(for the statistics' hand-written statement, aggregate.py); both are here, side by side.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Q, QuerySet

from taizhang.core.money import ZERO
from taizhang.core.money_sql import MoneySum
from taizhang.core.periods import Period
from taizhang.ledger.choices import ReportStatus
from taizhang.ledger.models import AnnualPlan, MonthlyReport

APPROVED = ReportStatus.APPROVED


def through(period: Period) -> Q:
    """Reports of months up to and including ``period`` (any status)."""
    return Q(period__lte=period.first_day)


def year_to_date(period: Period) -> Q:
    """Reports of January … ``period`` (any status)."""
    return Q(period__gte=period.year_start, period__lte=period.first_day)


def month_figure(period: Period) -> Q:
    """The report that is ``period``'s month figure (any status): not a lump."""
    return Q(period=period.first_day, covers_from__isnull=True)


def approved(condition: Q) -> Q:
    return condition & Q(status=APPROVED)


def of_project(outer: str = "pk") -> QuerySet[MonthlyReport]:
    """The reports of the outer query's project, unordered (for subqueries)."""
    return MonthlyReport.objects.filter(project=OuterRef(outer)).order_by()


def at_period(period: Period, outer: str = "pk") -> QuerySet[MonthlyReport]:
    """The outer project's approved report of ``period`` (its texts go on the sheet)."""
    return of_project(outer).filter(period=period.first_day, status=APPROVED)


def plans_of_year(period: Period) -> QuerySet[AnnualPlan]:
    """The plans of ``period``'s year (at most one per project)."""
    return AnnualPlan.objects.filter(year=period.year).order_by()


# The same rules in SQL, for aggregate.py: the reports table is ``r``; each fragment takes
# its parameters in order.

def sql_approved_through(project_sql: str) -> tuple[str, list[Any]]:
    """Join condition: ``r`` is an approved report of the project through the period."""
    return f"r.project_id = {project_sql} AND r.status = %s AND r.period <= %s", [APPROVED]


def sql_period_params(period: Period) -> list[Any]:
    return [period.first_day]


def sql_year_to_date() -> str:
    """Within the approved reports through the period: the year to date."""
    return "r.period >= %s"


def sql_month_figure() -> str:
    """Within the approved reports through the period: the month's figure."""
    return "r.period = %s AND r.covers_from IS NULL"


# The importer's cross-checks read a project's reports around the imported period.

def approved_before_year(project_ids: Iterable[int], period: Period) -> dict[int, Decimal]:
    """Per project, the sum of approved reports of years before ``period``'s year."""
    rows = (MonthlyReport.objects.filter(project_id__in=list(project_ids),
                                          period__lt=period.year_start)
            .order_by().values("project_id")
            .annotate(prior=MoneySum("completed", filter=Q(status=APPROVED))))
    return {row["project_id"]: row["prior"] or ZERO for row in rows}


def earlier_in_year(project_ids: Iterable[int],
                    period: Period) -> list[tuple[int, date, str, Decimal]]:
    """(project, period, status, completed) of January … the month before ``period``."""
    return list(MonthlyReport.objects.filter(
        project_id__in=list(project_ids), period__gte=period.year_start,
        period__lt=period.first_day,
    ).order_by("period").values_list("project_id", "period", "status", "completed"))


def reports_at(project_ids: Iterable[int], period: Period) -> QuerySet[MonthlyReport]:
    """The reports (any status) of ``period`` of these projects."""
    return MonthlyReport.objects.filter(project_id__in=list(project_ids),
                                        period=period.first_day)


def since_start_series(opening: Decimal,
                       reports: Iterable[MonthlyReport]) -> tuple[list[MonthlyReport],
                                                                  list[Decimal]]:
    """The approved ones of ``reports`` (in period order) and the since-start figure after
    each: the opening balance plus every approved report up to it."""
    counted = [r for r in reports if r.status == APPROVED]
    running, series = opening, []
    for report in counted:
        running += report.completed
        series.append(running)
    return counted, series
