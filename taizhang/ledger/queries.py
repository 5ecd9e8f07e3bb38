"""Per-project figures as SQL annotations, so a page of rows is one query."""

from __future__ import annotations

from datetime import date

from django.db.models import OuterRef, QuerySet, Subquery

from taizhang.core.money_sql import Cents, MoneyAdd, MoneySum, SummedMoney, money_or_zero
from taizhang.core.periods import Period
from taizhang.ledger.choices import ReportStatus
from taizhang.ledger.models import AnnualPlan, MonthlyReport, Project


def _report_sum(
    period: Period, *, from_day: date | None = None, only_month: bool = False
) -> Subquery:
    reports = MonthlyReport.objects.filter(
        project=OuterRef("pk"), status=ReportStatus.APPROVED, period__lte=period.first_day
    )
    if only_month:
        # A lump (covers_from set) holds several months with no known split.
        reports = reports.filter(period=period.first_day, covers_from__isnull=True)
    elif from_day is not None:
        reports = reports.filter(period__gte=from_day)
    total = reports.order_by().values("project").annotate(s=MoneySum("completed")).values("s")
    return Subquery(total, output_field=SummedMoney())


def with_figures(projects: QuerySet[Project], period: Period) -> QuerySet[Project]:
    """Annotate annual plan, year-to-date, month and since-start completed for `period`
    (Decimal 万元, summed exactly: core/money_sql.py)."""
    plan = AnnualPlan.objects.filter(project=OuterRef("pk"), year=period.year).values(
        plan=Cents("planned_investment")
    )[:1]
    return projects.annotate(
        annual_plan=money_or_zero(Subquery(plan, output_field=SummedMoney())),
        ytd_completed=money_or_zero(_report_sum(period, from_day=period.year_start)),
        month_completed=money_or_zero(_report_sum(period, only_month=True)),
        since_start_completed=MoneyAdd(money_or_zero(_report_sum(period)),
                                       Cents("completed_before")),
    )


def latest_reported_period(projects: QuerySet[Project]) -> Period | None:
    """The newest month with an approved report among `projects` (the default period)."""
    latest = (
        MonthlyReport.objects.filter(project__in=projects.values("pk"),
                                     status=ReportStatus.APPROVED)
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )
    return Period.of(latest) if latest else None


# Programme → project → sub-project: deeper trees are not part of the ledger's model.
MAX_DEPTH = 3


def descendant_ids(project: Project) -> list[int]:
    """Ids of every project below `project` (one query per level, at most MAX_DEPTH)."""
    found: list[int] = []
    level = [project.pk]
    for _depth in range(MAX_DEPTH):
        level = list(Project.objects.filter(parent__in=level).values_list("pk", flat=True))
        level = [pk for pk in level if pk not in found and pk != project.pk]
        if not level:
            break
        found.extend(level)
    return found
