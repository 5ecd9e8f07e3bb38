"""A year's figures month by month, and the reports filed for one month.

``year_to_date_by_month``: the cockpit's cumulative curve. One grouped statement (approved
reports of January … the period, summed per month); running sums make each month's year to
date of the same projects, so the curve's last point is ``compute``'s year to date for the
period. The projects are those counted at the period (cancelled ones leave, as in
``compute``): the curve is the year of the projects on the page, not of another set per month.

``filed_for``: the report of a month (any status), what the reporting pages count.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from taizhang.core.money import ZERO, wan
from taizhang.core.money_sql import MoneySum
from taizhang.core.periods import Period
from taizhang.figures import reports as rules
from taizhang.figures.per_project import counted
from taizhang.ledger.models import MonthlyReport, Project


def year_to_date_by_month(projects: QuerySet[Project], period: Period, *,
                          include_cancelled: bool = False) -> list[tuple[Period, Decimal]]:
    """(month, year to date at its end) for January … ``period``, of the projects counted at
    ``period`` (module docstring). One statement."""
    ids = counted(projects, period, include_cancelled=include_cancelled).order_by().values("pk")
    rows = (MonthlyReport.objects.filter(rules.approved(rules.year_to_date(period)),
                                          project__in=ids)
            .order_by().values_list("period").annotate(s=MoneySum("completed")))
    by_month = {Period.of(day): wan(amount) for day, amount in rows}
    running, series = ZERO, []
    for month in range(1, period.month + 1):
        at = Period(period.year, month)
        running += by_month.get(at, ZERO)
        series.append((at, running))
    return series


def filed_for(period: Period) -> Q:
    """The reports filed for ``period`` (any status, a lump too)."""
    return Q(period=period.first_day)


def status_counts(projects: QuerySet[Project], period: Period) -> dict[str, int]:
    """How many of ``projects``' reports of ``period`` are in each status (one statement)."""
    rows = (MonthlyReport.objects.filter(filed_for(period), project__in=projects.order_by()
                                         .values("pk"))
            .order_by().values_list("status").annotate(n=Count("pk")))
    return dict(rows)
