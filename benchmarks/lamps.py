"""Benchmark `lamps`: every lamp of the generated ledger for 2022-07.

    python -m benchmarks.lamps --db sqlite --side ours|raw-sql

`ours` is ``warnings.services.evaluate_period`` for the county as its office: the three
default rules (progress, start delay, the month's report) and the ones other apps register
(dispatch's problems, procedures), each project's lamp and reasons stored (one
``INSERT … SELECT`` of the rules given as SQL, then the Python rules' few lamps), audited;
timed inside a transaction that is then rolled back, so every run starts from the same
ledger.  `raw-sql` is one hand-written statement computing the
progress lamp alone (the plan of the year and the approved reports of the year joined once
per project, the colour from the default lines, 10 and 30 points), its rows fetched.  Each
process times one warm-up call and then the median of 3; the raw-sql process also checks that
its colours are the progress rule's, project by project.
"""

from __future__ import annotations

import statistics
from typing import Any

from benchmarks import common

SIDES = ["ours", "raw-sql"]
CALLS = 3
YELLOW, RED = 10, 30

SQL = """
SELECT p.id,
       CASE WHEN pl.plan IS NULL OR pl.plan <= 0 THEN NULL
            WHEN 1200 * COALESCE(r.ytd, 0) < (100 * %(month)s - 12 * %(red)s) * pl.plan
                THEN 'red'
            WHEN 1200 * COALESCE(r.ytd, 0) <= (100 * %(month)s - 12 * %(yellow)s) * pl.plan
                THEN 'yellow'
            ELSE 'green' END
FROM ledger_project p
LEFT JOIN (SELECT project_id, SUM(planned_investment) AS plan FROM ledger_annualplan
           WHERE year = %(year)s GROUP BY project_id) pl ON pl.project_id = p.id
LEFT JOIN (SELECT project_id, SUM(completed) AS ytd FROM ledger_monthlyreport
           WHERE status = 'approved' AND period >= %(ys)s AND period <= %(first)s
           GROUP BY project_id) r ON r.project_id = p.id
WHERE p.stage <> 'cancelled'
"""


def raw_sql() -> dict[int, str | None]:
    """{project id: progress colour (None without a plan)} from one statement."""
    from django.db import connection

    from taizhang.core.periods import Period

    period = Period(*common.PERIOD)
    params = {"year": period.year, "ys": period.year_start, "first": period.first_day,
              "month": period.month, "yellow": YELLOW, "red": RED}
    with connection.cursor() as cursor:
        cursor.execute(SQL, params)
        return dict(cursor.fetchall())


class _Undo(Exception):
    pass


def ours() -> float:
    """Seconds to evaluate and store every lamp (the rollback after it is not counted)."""
    from django.db import transaction

    from taizhang.core.context import acting
    from taizhang.core.periods import Period
    from taizhang.warnings.services import evaluate_period

    county = common.county()
    office = common.office_user(county)
    seconds = 0.0
    try:
        with acting("command"), transaction.atomic():
            seconds, _ = common.timed(lambda: evaluate_period(county, Period(*common.PERIOD),
                                                              actor=office))
            raise _Undo
    except _Undo:
        pass
    return seconds


def _same() -> bool:
    """The raw statement's colours are the progress rule's (projects not cancelled)."""
    from django.utils import timezone

    from taizhang.accounts.models import OfficeSettings
    from taizhang.core.periods import Period
    from taizhang.figures.per_project import counted
    from taizhang.ledger.models import Project
    from taizhang.warnings.rules import Context, ProgressRule

    period = Period(*common.PERIOD)
    county = common.county()
    projects = counted(Project.objects.filter(county.subtree_q("division__")), period)
    found = ProgressRule.evaluate(projects, period, ProgressRule.defaults(), Context(
        office=OfficeSettings.for_division(county), now=timezone.now()))
    mine = {pk: color for pk, (color, _values) in found.items()}
    raw = {pk: color for pk, color in raw_sql().items() if color is not None}
    return mine == raw and len(mine) > 0


def main() -> None:
    args = common.arguments(SIDES, common.LEDGER["projects"])
    common.use(args.db, "ledger")
    if args.side == "ours":
        ours()  # warm-up
        times = [ours() for _ in range(CALLS)]
    else:
        raw_sql()
        times = [common.timed(raw_sql)[0] for _ in range(CALLS)]
    result: dict[str, Any] = {"seconds": statistics.median(times), "calls": times}
    if args.side == "raw-sql":
        result["same_numbers"] = _same()
    common.emit(**result)


if __name__ == "__main__":
    main()
