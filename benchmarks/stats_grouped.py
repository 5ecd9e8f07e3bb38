# ruff: noqa: S608 - fixed SQL text; every value is a parameter.
"""Benchmark `stats_grouped`: the statistics of 2022-07 grouped by township over the
generated ledger.

    python -m benchmarks.stats_grouped --db sqlite --side ours|raw-sql

`ours` is ``compute_grouped(Project.objects.all(), Period(2022, 7), "township").as_dict()``
(the total, every township's statistics and their names); `raw-sql` is one hand-written
aggregate query (below: the `stats` benchmark's query for each engine with the township
added to its groups), its rows folded into every township's totals, per stage and per batch (the
total is their sum). Timed as `stats`: one warm-up call, then the median of 3; the raw-sql
process also checks that both give the same numbers per township, to the cent.
"""

from __future__ import annotations

import statistics
from decimal import Decimal
from typing import Any

from benchmarks import common
from benchmarks.stats import _money

SIDES = ["ours", "raw-sql"]
CALLS = 3


# The `stats` benchmark's query for each engine (benchmarks/stats.py), with the township first
# among the groups and the cancelled projects (终止) left out, as the statistics leave them.
_FLAGS = """
       CASE WHEN p.actual_start >= %(ys)s AND p.actual_start <= %(last)s THEN 1 ELSE 0 END,
       CASE WHEN p.stage = 'under_construction' AND p.actual_start < %(ys)s THEN 1 ELSE 0 END,
       CASE WHEN p.actual_completion >= %(ys)s AND p.actual_completion <= %(last)s
            THEN 1 ELSE 0 END"""
GROUPED = {
    "sqlite": f"""
SELECT p.division_id, p.stage, {_FLAGS},
       COUNT(*), SUM(p.planned_total), SUM(p.completed_before),
       SUM(pl.plan), SUM(pl.planned_new),
       SUM(CASE WHEN p.actual_start >= %(ys)s AND p.actual_start <= %(last)s
                THEN pl.planned_new ELSE 0 END),
       SUM(r.ytd), SUM(r.month), SUM(r.since)
FROM ledger_project p
LEFT JOIN (SELECT project_id, SUM(planned_investment) AS plan,
                  SUM(CASE WHEN planned_new_start THEN 1 ELSE 0 END) AS planned_new
           FROM ledger_annualplan WHERE year = %(year)s GROUP BY project_id
          ) pl ON pl.project_id = p.id
LEFT JOIN (SELECT project_id,
                  SUM(CASE WHEN period >= %(ys)s THEN completed END) AS ytd,
                  SUM(CASE WHEN period = %(first)s AND covers_from IS NULL
                           THEN completed END) AS month,
                  SUM(completed) AS since
           FROM ledger_monthlyreport WHERE status = 'approved' AND period <= %(first)s
           GROUP BY project_id
          ) r ON r.project_id = p.id
WHERE p.stage <> 'cancelled'
GROUP BY 1, 2, 3, 4, 5
""",
    "postgresql": f"""
SELECT 'p', p.division_id, p.stage, {_FLAGS},
       COUNT(*), SUM(p.planned_total), SUM(p.completed_before)
FROM ledger_project p WHERE p.stage <> 'cancelled' GROUP BY 2, 3, 4, 5, 6
UNION ALL
SELECT 'a', p.division_id, p.stage, {_FLAGS},
       SUM(a.planned_investment), SUM(CASE WHEN a.planned_new_start THEN 1 ELSE 0 END),
       SUM(CASE WHEN a.planned_new_start AND p.actual_start >= %(ys)s
                     AND p.actual_start <= %(last)s THEN 1 ELSE 0 END)
FROM ledger_project p JOIN ledger_annualplan a ON a.project_id = p.id AND a.year = %(year)s
WHERE p.stage <> 'cancelled' GROUP BY 2, 3, 4, 5, 6
UNION ALL
SELECT 'r', p.division_id, p.stage, {_FLAGS},
       SUM(CASE WHEN r.period >= %(ys)s THEN r.completed END),
       SUM(CASE WHEN r.period = %(first)s AND r.covers_from IS NULL THEN r.completed END),
       SUM(r.completed)
FROM ledger_project p JOIN ledger_monthlyreport r ON r.project_id = p.id
WHERE p.stage <> 'cancelled' AND r.status = 'approved' AND r.period <= %(first)s
GROUP BY 2, 3, 4, 5, 6
""",
}


def raw_sql() -> dict[Any, dict[str, Decimal | int]]:
    """Per township: projects, planned total, plan of the year, year to date, month."""
    from django.db import connection

    from taizhang.core.periods import Period

    period = Period(*common.PERIOD)
    params = {"year": period.year, "ys": period.year_start, "first": period.first_day,
              "last": period.last_day}
    with connection.cursor() as cursor:
        cursor.execute(GROUPED[connection.vendor], params)
        rows = cursor.fetchall()
    groups: dict[Any, dict[str, Decimal | int]] = {}
    for row in rows:
        if connection.vendor == "postgresql":
            part, township, _stage, _s, _b, _p, a, b, c = row
            parts = [(part, a, b, c)]
        else:
            township = row[0]
            values = row[5:]
            parts = [("p", *values[0:3]), ("a", *values[3:6]), ("r", *values[6:9])]
        group = groups.setdefault(township, {"projects": 0, "planned_total": Decimal(0),
                                             "annual_plan": Decimal(0), "ytd": Decimal(0),
                                             "month": Decimal(0)})
        for part, a, b, _c in parts:
            if part == "p":
                group["projects"] += a or 0
                group["planned_total"] += _money(b)
            elif part == "a":
                group["annual_plan"] += _money(a)
            else:
                group["ytd"] += _money(a)
                group["month"] += _money(b)
    return groups


def ours() -> dict[str, Any]:
    from taizhang.core.periods import Period
    from taizhang.ledger.models import Project
    from taizhang.stats.service import compute_grouped

    return compute_grouped(Project.objects.all(), Period(*common.PERIOD), "township").as_dict()


def _same(raw: dict[Any, dict[str, Any]], data: dict[str, Any]) -> bool:
    mine = {g["key"]: g for g in data["groups"]}
    if set(mine) != set(raw):
        return False
    return all(
        (r["projects"], r["planned_total"], r["annual_plan"], r["ytd"], r["month"])
        == (g["projects"], Decimal(g["planned_total_wan"]), Decimal(g["annual_plan_wan"]),
            Decimal(g["ytd_completed_wan"]), Decimal(g["month_completed_wan"]))
        for key, r in raw.items() for g in [mine[key]])


def main() -> None:
    args = common.arguments(SIDES, common.LEDGER["projects"])
    common.use(args.db, "ledger")
    fn = ours if args.side == "ours" else raw_sql
    fn()  # warm-up: first query plans, caches
    times = [common.timed(fn)[0] for _ in range(CALLS)]
    result = {"seconds": statistics.median(times), "calls": times}
    if args.side == "raw-sql":
        result["same_numbers"] = _same(raw_sql(), ours())
    common.emit(**result)


if __name__ == "__main__":
    main()
