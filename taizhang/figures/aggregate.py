# ruff: noqa: S608 - the SQL is fixed fragments, quoted table names and the ORM's compiled
# query; every value is a parameter.
"""The statistics' one SQL statement over the filtered projects (stats/service.py adds it up).

The projects (already scoped and filtered by the caller) are compiled by the ORM into a
derived table ``p`` carrying, per project, its stage as of the period (figures/stages.py's
rule, joined in from the first stage change after the period of each project that has one:
`_with_stage`) and the three batch flags that are not a plain stage (the building batch's
without its stage part, which stats/service.py adds from the stage). `aggregate_rows` returns rows
``(part, stage, f_starting, f_building, f_producing, a, b, c)`` grouped by stage and flags:

- ``p`` (projects): count, planned total, completed before the ledger began;
- ``a`` (annual plans of the year): planned investment, planned new starts;
- ``r`` (approved reports up to the period): year-to-date, month, since start.

Every part starts from the filtered projects, so a narrow filter (an owner's projects) reads
only their plans and reports. The statement differs per engine, each the fastest form found
(docs/benchmarks.md, Finding 4):

- PostgreSQL: three aggregates glued with UNION ALL, each joining and hash-aggregating
  directly, as its floor query does, so each can run in parallel workers. (The stage as of
  the period was a subquery per project, run once per use; materializing the projects in a
  CTE ran it once but kept the plan serial, and its cost estimate turned on the JIT: grouped
  by township at 100,000 projects 4.1× the floor query, now about 1×.)
- SQLite: one pass over the projects in id order, each joined to its plan of the year (at most
  one) and its approved reports summed per project, then those 100,000 rows grouped. Grouping
  the ~700,000 joined report rows by stage and flags directly sorts them all in a temporary
  B-tree, which took half the time.

Every amount is summed through core/money_sql.py: integer cents on SQLite (whose decimal
columns hold binary doubles), NUMERIC on PostgreSQL, so the sums are exact to the cent (the
cents cost the SQLite pass about a fifth more time at a million reports).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import ExpressionWrapper, F, QuerySet

from taizhang.core.money_sql import cents_sql, from_db, sum_sql
from taizhang.core.periods import Period
from taizhang.figures import reports as rules
from taizhang.figures.stages import PERIOD_STAGE
from taizhang.ledger.choices import Batch, Stage
from taizhang.ledger.models import AnnualPlan, MonthlyReport, Project, StageChange

FLAGS = [f"f_{b}" for b in (Batch.STARTING, Batch.BUILDING, Batch.PRODUCING)]

Row = tuple[Any, ...]

_APPROVED, _APPROVED_PARAMS = rules.sql_approved_through("p.pid")


def aggregate_rows(projects: QuerySet[Project], period: Period,
                   flags: dict[str, ExpressionWrapper], group: Any = None, *,
                   drop_cancelled: bool = False, overlapping: bool = False,
                   few: bool = False) -> list[Row]:
    """The rows of the three aggregates (see the module's docstring); [] for no projects.

    Every amount is summed exactly (core/money_sql.py) and comes back as a Decimal in 万元
    (None where nothing was summed); the counts as integers. With ``group`` (an expression
    on a project, figures/groups.py) every row starts ``(part, group, stage, …)``: a project
    whose expression has several values (several key lists; say so with ``overlapping``) is
    in each of their groups. ``flags`` must not depend on the stage: the stage as of the
    period is joined in here (figures/stages.py), once per project. ``drop_cancelled``:
    leave out the projects cancelled by the end of the period (the rule of
    ``per_project.counted``, on that stage). ``few``: the projects are few (a slice of a
    division, stats/cache.py): PostgreSQL reads them once into a CTE for the three
    aggregates, which took a third of the time of three index scans of them; for many
    projects the plain statement, which can run in parallel, is faster.
    """
    columns = ["pid", "stage", *FLAGS, "planned_total", "completed_before"]
    table = projects.order_by().annotate(**flags, pid=F("pk"))
    if group is not None:
        table = table.annotate(grp=group)
        columns.insert(1, "grp")
    table = table.values(*columns)
    connection = connections[projects.db]
    try:
        inner, inner_params = table.query.get_compiler(connection=connection).as_sql()
    except EmptyResultSet:  # a scope or filter that can match nothing
        return []
    vendor = connection.vendor
    statement = _sqlite_one_pass if vendor == "sqlite" else _union_of_three
    if few and vendor != "sqlite":
        statement = _union_of_three_once
    names = _Names(connection, grouped=group is not None, overlapping=overlapping)
    derived, derived_params = _with_stage(names, inner, list(inner_params), period,
                                          drop_cancelled)
    sql, params = statement(names, derived, derived_params, period)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()

    def money(value: Any) -> Any:
        return from_db(value, vendor)

    if vendor != "sqlite":
        return [(part, *head, a if part == "p" else money(a), b if part == "a" else money(b),
                 money(c)) for part, *head, a, b, c in rows]
    out: list[Row] = []
    width = len(names.keys("p").split(", "))
    for row in rows:
        head = tuple(row[:width])
        n, total, opening, plan, new, ytd, month, since = row[width:]
        out += [("p", *head, n, money(total), money(opening)),
                ("a", *head, money(plan), new, None),
                ("r", *head, money(ytd), money(month), money(since))]
    return out


def _with_stage(names: _Names, inner: str, inner_params: list[Any], period: Period,
                drop_cancelled: bool) -> tuple[str, list[Any]]:
    """The derived table ``p``: the filtered projects ``q`` with each one's stage as of the
    period (figures/stages.py's rule) as ``period_stage``, from a join to the first change
    after the period of each project that has one. A join, not a subquery per project: the
    subquery ran once per project and per use (the column, the cancelled filter, the
    flags), and on PostgreSQL its cost turned on the JIT and needed the projects
    materialized (a CTE), which keeps the three aggregates from running in parallel."""
    later, later_params = _first_changes_after(names, period)
    stage = "COALESCE(l.left_stage, q.stage)"
    where, where_params = ("", [])
    if drop_cancelled:
        where, where_params = f" WHERE {stage} <> %s", [Stage.CANCELLED]
    sql = (f"(SELECT q.*, {stage} AS {PERIOD_STAGE} FROM ({inner}) q "
           f"LEFT JOIN ({later}) l ON l.project_id = q.pid{where}) p")
    return sql, [*inner_params, *later_params, *where_params]


def _first_changes_after(names: _Names, period: Period) -> tuple[str, list[Any]]:
    """Per project with a stage change effective after the period's last day: the stage the
    first such change (earliest effective date, then the earliest recorded) moved it from,
    as ``left_stage`` (figures/stages.py). A range of the effective-date index: few rows
    for a recent period."""
    q = names.quote
    table, project, from_stage = (q(StageChange._meta.db_table), q("project_id"),
                                  q("from_stage"))
    order = f"s.{q('effective_date')}, s.{q('changed_at')}, s.{q('id')}"
    where = f"s.{q('effective_date')} > %s"
    if names.vendor == "postgresql":
        sql = (f"SELECT DISTINCT ON (s.{project}) s.{project} AS project_id, "
               f"NULLIF(s.{from_stage}, '') AS left_stage FROM {table} s WHERE {where} "
               f"ORDER BY s.{project}, {order}")
    else:
        sql = (f"SELECT project_id, left_stage FROM (SELECT s.{project} AS project_id, "
               f"NULLIF(s.{from_stage}, '') AS left_stage, ROW_NUMBER() OVER "
               f"(PARTITION BY s.{project} ORDER BY {order}) AS n FROM {table} s "
               f"WHERE {where}) WHERE n = 1")
    return sql, [period.last_day]


class _Names:
    """Quoted table and column names of one connection, and its money sums."""

    def __init__(self, connection: Any, *, grouped: bool = False,
                 overlapping: bool = False) -> None:
        self.grouped = grouped
        self.overlapping = overlapping
        q = self.quote = connection.ops.quote_name
        self.plans = q(AnnualPlan._meta.db_table)
        self.reports = q(MonthlyReport._meta.db_table)
        self.flags = [q(flag) for flag in FLAGS]
        self.vendor = connection.vendor

    def keys(self, alias: str) -> str:
        group = [f"{alias}.grp"] if self.grouped else []
        return ", ".join([*group, f"{alias}.{PERIOD_STAGE}",
                          *(f"{alias}.{flag}" for flag in self.flags)])

    def row_key(self, alias: str) -> str:
        """One row of the derived table: a project (in each of its groups, if it may be in
        several). By the project alone otherwise: SQLite then reads the projects in id
        order rather than through the group's index (a third faster by township)."""
        return f"{alias}.pid, {alias}.grp" if self.overlapping else f"{alias}.pid"

    def cents(self, sql: str) -> str:
        return cents_sql(self.vendor, sql)

    def sum(self, sql: str) -> str:
        return sum_sql(self.vendor, sql)

    def report_sums(self, *aliases: str) -> str:
        """Year-to-date, month and since start of the approved reports ``r`` (named
        ``aliases`` if given)."""
        completed = self.cents("r.completed")
        sums = [f"SUM(CASE WHEN {rules.sql_year_to_date()} THEN {completed} END)",
                f"SUM(CASE WHEN {rules.sql_month_figure()} THEN {completed} END)",
                f"SUM({completed})"]
        if aliases:
            sums = [f"{sql} AS {alias}" for sql, alias in zip(sums, aliases, strict=True)]
        return ", ".join(sums)


def _union_of_three(names: _Names, p: str, p_params: list[Any],
                    period: Period) -> tuple[str, list[Any]]:
    keys = names.keys("p")
    sql = (
        f"SELECT 'p', {keys}, COUNT(*), {names.sum('p.planned_total')}, "
        f"{names.sum('p.completed_before')} "
        f"FROM {p} GROUP BY {keys} "
        f"UNION ALL "
        f"SELECT 'a', {keys}, {names.sum('a.planned_investment')}, "
        f"SUM(CASE WHEN a.planned_new_start THEN 1 ELSE 0 END), NULL "
        f"FROM {p} JOIN {names.plans} a ON a.project_id = p.pid WHERE a.year = %s "
        f"GROUP BY {keys} "
        f"UNION ALL "
        f"SELECT 'r', {keys}, {names.report_sums()} "
        f"FROM {p} JOIN {names.reports} r ON {_APPROVED} GROUP BY {keys}"
    )
    params = [*p_params, *p_params, period.year,
              period.year_start, period.first_day, *p_params,
              *_APPROVED_PARAMS, *rules.sql_period_params(period)]
    return sql, params


def _union_of_three_once(names: _Names, p: str, p_params: list[Any],
                         period: Period) -> tuple[str, list[Any]]:
    """`_union_of_three` over the projects read once (``few`` in `aggregate_rows`)."""
    sql, params = _union_of_three(names, "p", [], period)
    return f"WITH p AS MATERIALIZED {p.removesuffix(' p')} {sql}", [*p_params, *params]


def _sqlite_one_pass(names: _Names, p: str, p_params: list[Any],
                     period: Period) -> tuple[str, list[Any]]:
    # Grouped by the project alone (SQLite allows the other columns, which depend on it):
    # the projects are read in id order and each one's reports are one range of the
    # (project, status, period) index. Plan and report sums are cents already, so the outer
    # SUMs add integers.
    per_project = (
        f"SELECT p.*, {names.cents('a.planned_investment')} AS plan, "
        f"CASE WHEN a.planned_new_start THEN 1 ELSE 0 END AS planned_new, "
        f"{names.report_sums('ytd', 'month', 'since')} "
        f"FROM {p} LEFT JOIN {names.plans} a ON a.project_id = p.pid AND a.year = %s "
        f"LEFT JOIN {names.reports} r ON {_APPROVED} GROUP BY {names.row_key('p')}"
    )
    keys = names.keys("x")
    sql = (f"SELECT {keys}, COUNT(*), {names.sum('x.planned_total')}, "
           f"{names.sum('x.completed_before')}, "
           f"SUM(x.plan), SUM(x.planned_new), SUM(x.ytd), SUM(x.month), SUM(x.since) "
           f"FROM ({per_project}) x GROUP BY {keys}")
    params = [period.year_start, period.first_day, *p_params, period.year,
              *_APPROVED_PARAMS, *rules.sql_period_params(period)]
    return sql, params
