"""Benchmark 2, `stats`: the statistics object of 2022-07 over the generated ledger.

    python -m benchmarks.stats --db sqlite --side ours|raw-sql

`ours` is ``compute(Project.objects.all(), Period(2022, 7)).as_dict()``; `raw-sql` is one
hand-written aggregate query (below, the faster of two forms for each engine) whose rows are
folded into the same totals, per stage and per batch.  Each process times one warm-up call
and then the median of 3 calls; the raw-sql process also checks that both give the same
numbers, to the cent.
"""

from __future__ import annotations

import statistics
from decimal import Context, Decimal
from typing import Any

from benchmarks import common

SIDES = ["ours", "raw-sql"]
CALLS = 3
CENT = Decimal("0.01")
_FLOAT = Context(prec=15)  # as Django reads SQLite's decimals

# The fastest single query found for each engine.  SQLite: per project, its plan of the year
# and its approved reports summed once, then grouped by stage and the three batch flags that
# are not a plain stage.  PostgreSQL: the three aggregates joined and grouped directly, glued
# with UNION ALL (a shared CTE would be materialised and run slower).  Cancelled projects (终止)
# are left out, as the statistics leave them.
SQL = {
    "sqlite": """
SELECT p.stage,
       CASE WHEN p.actual_start >= %(ys)s AND p.actual_start <= %(last)s THEN 1 ELSE 0 END,
       CASE WHEN p.stage = 'under_construction' AND p.actual_start < %(ys)s THEN 1 ELSE 0 END,
       CASE WHEN p.actual_completion >= %(ys)s AND p.actual_completion <= %(last)s
            THEN 1 ELSE 0 END,
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
GROUP BY 1, 2, 3, 4
""",
    "postgresql": """
SELECT 'p', p.stage,
       CASE WHEN p.actual_start >= %(ys)s AND p.actual_start <= %(last)s THEN 1 ELSE 0 END,
       CASE WHEN p.stage = 'under_construction' AND p.actual_start < %(ys)s THEN 1 ELSE 0 END,
       CASE WHEN p.actual_completion >= %(ys)s AND p.actual_completion <= %(last)s
            THEN 1 ELSE 0 END, COUNT(*), SUM(p.planned_total), SUM(p.completed_before)
FROM ledger_project p WHERE p.stage <> 'cancelled' GROUP BY 2, 3, 4, 5
UNION ALL
SELECT 'a', p.stage,
       CASE WHEN p.actual_start >= %(ys)s AND p.actual_start <= %(last)s THEN 1 ELSE 0 END,
       CASE WHEN p.stage = 'under_construction' AND p.actual_start < %(ys)s THEN 1 ELSE 0 END,
       CASE WHEN p.actual_completion >= %(ys)s AND p.actual_completion <= %(last)s
            THEN 1 ELSE 0 END, SUM(a.planned_investment),
       SUM(CASE WHEN a.planned_new_start THEN 1 ELSE 0 END),
       SUM(CASE WHEN a.planned_new_start AND p.actual_start >= %(ys)s
                     AND p.actual_start <= %(last)s THEN 1 ELSE 0 END)
FROM ledger_project p JOIN ledger_annualplan a ON a.project_id = p.id AND a.year = %(year)s
WHERE p.stage <> 'cancelled'
GROUP BY 2, 3, 4, 5
UNION ALL
SELECT 'r', p.stage,
       CASE WHEN p.actual_start >= %(ys)s AND p.actual_start <= %(last)s THEN 1 ELSE 0 END,
       CASE WHEN p.stage = 'under_construction' AND p.actual_start < %(ys)s THEN 1 ELSE 0 END,
       CASE WHEN p.actual_completion >= %(ys)s AND p.actual_completion <= %(last)s
            THEN 1 ELSE 0 END,
       SUM(CASE WHEN r.period >= %(ys)s THEN r.completed END),
       SUM(CASE WHEN r.period = %(first)s AND r.covers_from IS NULL THEN r.completed END),
       SUM(r.completed)
FROM ledger_project p JOIN ledger_monthlyreport r ON r.project_id = p.id
WHERE p.stage <> 'cancelled' AND r.status = 'approved' AND r.period <= %(first)s
GROUP BY 2, 3, 4, 5
""",
}


def _money(value: Any) -> Decimal:
    if value is None:
        return Decimal("0.00")
    if isinstance(value, float):
        value = _FLOAT.create_decimal_from_float(value)
    return Decimal(value).quantize(CENT)


def _parts(vendor: str, row: tuple) -> list[tuple]:
    """A row of either query as (part, stage, flags, three values) rows."""
    if vendor == "postgresql":
        return [row]
    head = row[:4]
    return [("p", *head, *row[4:7]), ("a", *head, *row[7:10]), ("r", *head, *row[10:13])]


def raw_sql() -> dict[str, Any]:
    """The numbers of the statistics object from one query."""
    from django.db import connection

    from taizhang.core.periods import Period

    period = Period(*common.PERIOD)
    params = {"year": period.year, "ys": period.year_start, "first": period.first_day,
              "last": period.last_day}
    with connection.cursor() as cursor:
        cursor.execute(SQL[connection.vendor], params)
        rows = cursor.fetchall()
    keys = ("projects", "planned_total", "annual_plan", "ytd", "month", "since")
    segments: dict[str, dict[str, Any]] = {}
    counts = {"new_starts": 0, "planned_new_starts": 0, "started_of_planned": 0}
    for row in rows:
        for part, stage, f_start, f_build, f_prod, a, b, c in _parts(connection.vendor, row):
            names = ["all", f"stage:{stage}"]
            names += ["batch:planning"] if stage in ("planning", "preliminary") else []
            names += [name for name, flag in (("batch:starting", f_start),
                                              ("batch:building", f_build),
                                              ("batch:producing", f_prod)) if flag]
            if part == "p":
                add = {"projects": a or 0, "planned_total": _money(b), "since": _money(c)}
                counts["new_starts"] += (a or 0) if f_start else 0
            elif part == "a":
                add = {"annual_plan": _money(a)}
                counts["planned_new_starts"] += b or 0
                counts["started_of_planned"] += c or 0
            else:
                add = {"ytd": _money(a), "month": _money(b), "since": _money(c)}
            for name in names:
                seg = segments.setdefault(name, dict.fromkeys(keys, 0))
                for key, value in add.items():
                    seg[key] += value
    return {"segments": segments, **counts}


def ours() -> dict[str, Any]:
    from taizhang.core.periods import Period
    from taizhang.ledger.models import Project
    from taizhang.stats.service import compute

    return compute(Project.objects.all(), Period(*common.PERIOD)).as_dict()


def _same(raw: dict[str, Any], data: dict[str, Any]) -> bool:
    total = raw["segments"]["all"]
    pairs = [(total["projects"], data["projects"]),
             (total["planned_total"], Decimal(data["planned_total_wan"])),
             (total["annual_plan"], Decimal(data["annual_plan_wan"])),
             (total["ytd"], Decimal(data["ytd_completed_wan"])),
             (total["month"], Decimal(data["month_completed_wan"])),
             (total["since"], Decimal(data["since_start_completed_wan"])),
             (raw["new_starts"], data["new_starts"]),
             (raw["planned_new_starts"], data["planned_new_starts"])]
    for group, prefix in (("by_stage", "stage:"), ("batches", "batch:")):
        for name, seg in data[group].items():
            mine = raw["segments"].get(prefix + name, {"projects": 0, "ytd": 0})
            pairs += [(mine["projects"], seg["projects"]),
                      (mine["ytd"], Decimal(seg["ytd_completed_wan"]))]
    return all(a == b for a, b in pairs)


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
