# ruff: noqa: S608 - the SQL is fixed fragments, quoted table names and the ORM's compiled
# query; every value is a parameter.
"""The statistics' one SQL statement over the filtered projects.

The projects (already scoped and filtered by the caller) are compiled by the ORM into a
derived table ``p`` carrying, per project, its stage and the three batch flags that are not a
plain stage. `aggregate_rows` returns rows ``(part, stage, f_starting, f_building,
f_producing, a, b, c)`` grouped by stage and flags:

- ``p`` (projects): count, planned total, completed before the ledger began;
- ``a`` (annual plans of the year): planned investment, planned new starts;
- ``r`` (approved reports up to the period): year-to-date, month, since start.

Every part starts from the filtered projects, so a narrow filter (an owner's projects) reads
only their plans and reports. The statement differs per engine, each the fastest form found
(docs/benchmarks.md, Finding 4):

- PostgreSQL: three aggregates glued with UNION ALL, each joining and hash-aggregating
  directly;
- SQLite: one pass over the projects in id order, each joined to its plan of the year (at most
  one) and its approved reports summed per project, then those 100,000 rows grouped. Grouping
  the ~700,000 joined report rows by stage and flags directly sorts them all in a temporary
  B-tree, which took half the time.
"""

from __future__ import annotations

from decimal import Context, Decimal
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import ExpressionWrapper, F, QuerySet

from taizhang.core.money import wan
from taizhang.core.periods import Period
from taizhang.ledger.choices import Batch, ReportStatus
from taizhang.ledger.models import AnnualPlan, MonthlyReport, Project

FLAGS = [f"f_{b}" for b in (Batch.STARTING, Batch.BUILDING, Batch.PRODUCING)]
# SQLite hands sums of decimal columns back as binary floats; this is how Django reads them
# (15 significant digits), then the amount is rounded to the cent it is made of.
_SQLITE_DECIMAL = Context(prec=15)

Row = tuple[Any, ...]

_YTD = "SUM(CASE WHEN r.period >= %s THEN r.completed END)"
# A lump (covers_from set) holds several months with no known split.
_MONTH = "SUM(CASE WHEN r.period = %s AND r.covers_from IS NULL THEN r.completed END)"
_SINCE = "SUM(r.completed)"
_APPROVED = "r.project_id = p.pid AND r.status = %s AND r.period <= %s"


def aggregate_rows(projects: QuerySet[Project], period: Period,
                   flags: dict[str, ExpressionWrapper]) -> list[Row]:
    """The rows of the three aggregates (see the module's docstring); [] for no projects."""
    table = (projects.order_by().annotate(**flags, pid=F("pk"))
             .values("pid", "stage", *FLAGS, "planned_total", "completed_before"))
    connection = connections[projects.db]
    try:
        inner, inner_params = table.query.get_compiler(connection=connection).as_sql()
    except EmptyResultSet:  # a scope or filter that can match nothing
        return []
    statement = _sqlite_one_pass if connection.vendor == "sqlite" else _union_of_three
    sql, params = statement(_Names(connection), f"({inner}) p", list(inner_params), period)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if connection.vendor != "sqlite":
        return rows
    out: list[Row] = []
    for stage, f_start, f_build, f_prod, n, total, opening, plan, new, ytd, month, since in rows:
        head = (stage, f_start, f_build, f_prod)
        out += [("p", *head, n, total, opening), ("a", *head, plan, new, None),
                ("r", *head, ytd, month, since)]
    return out


class _Names:
    """Quoted table and column names of one connection."""

    def __init__(self, connection: Any) -> None:
        q = connection.ops.quote_name
        self.plans = q(AnnualPlan._meta.db_table)
        self.reports = q(MonthlyReport._meta.db_table)
        self.flags = [q(flag) for flag in FLAGS]

    def keys(self, alias: str) -> str:
        return ", ".join([f"{alias}.stage", *(f"{alias}.{flag}" for flag in self.flags)])


def _union_of_three(names: _Names, p: str, inner_params: list[Any],
                    period: Period) -> tuple[str, list[Any]]:
    keys = names.keys("p")
    sql = (
        f"SELECT 'p', {keys}, COUNT(*), SUM(p.planned_total), SUM(p.completed_before) "
        f"FROM {p} GROUP BY {keys} "
        f"UNION ALL "
        f"SELECT 'a', {keys}, SUM(a.planned_investment), "
        f"SUM(CASE WHEN a.planned_new_start THEN 1 ELSE 0 END), NULL "
        f"FROM {p} JOIN {names.plans} a ON a.project_id = p.pid WHERE a.year = %s "
        f"GROUP BY {keys} "
        f"UNION ALL "
        f"SELECT 'r', {keys}, {_YTD}, {_MONTH}, {_SINCE} "
        f"FROM {p} JOIN {names.reports} r ON {_APPROVED} GROUP BY {keys}"
    )
    params = [*inner_params, *inner_params, period.year,
              period.year_start, period.first_day, *inner_params,
              ReportStatus.APPROVED, period.first_day]
    return sql, params


def _sqlite_one_pass(names: _Names, p: str, inner_params: list[Any],
                     period: Period) -> tuple[str, list[Any]]:
    # Grouped by the project alone (SQLite allows the other columns, which depend on it):
    # the projects are read in id order and each one's reports are one range of the
    # (project, status, period) index.
    per_project = (
        f"SELECT p.*, a.planned_investment AS plan, "
        f"CASE WHEN a.planned_new_start THEN 1 ELSE 0 END AS planned_new, "
        f"{_YTD} AS ytd, {_MONTH} AS month, {_SINCE} AS since "
        f"FROM {p} LEFT JOIN {names.plans} a ON a.project_id = p.pid AND a.year = %s "
        f"LEFT JOIN {names.reports} r ON {_APPROVED} GROUP BY p.pid"
    )
    keys = names.keys("x")
    sql = (f"SELECT {keys}, COUNT(*), SUM(x.planned_total), SUM(x.completed_before), "
           f"SUM(x.plan), SUM(x.planned_new), SUM(x.ytd), SUM(x.month), SUM(x.since) "
           f"FROM ({per_project}) x GROUP BY {keys}")
    params = [period.year_start, period.first_day, *inner_params, period.year,
              ReportStatus.APPROVED, period.first_day]
    return sql, params


def money(value: Any) -> Decimal:
    """A summed amount from either database as an exact Decimal in 万元 (None → 0.00)."""
    if isinstance(value, float):
        value = _SQLITE_DECIMAL.create_decimal_from_float(value)
    return wan(value)
