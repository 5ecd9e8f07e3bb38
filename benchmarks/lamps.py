"""Benchmark `lamps`: every lamp of the generated ledger for 2022-07.

    python -m benchmarks.lamps --db sqlite --side ours|raw-sql|raw-select

`ours` is ``warnings.services.evaluate_period`` for the county as its office: the three
default rules (progress, start delay, the month's report) and the ones other apps register
(dispatch's problems, procedures), each project's lamp and reasons stored (one
``INSERT … SELECT`` of the rules given as SQL, then the Python rules' few lamps), audited.

`raw-sql` is one hand-written statement computing the same progress lamp, the issue's
baseline: the plan of the year and the approved reports of the year joined once per project,
the colour from the default lines (10 and 30 points), and the lamp as the system keeps one,
stored into the lamps table with its reason (the rule, the rate, time progress and points,
the thresholds): ``INSERT … SELECT`` for an evaluation made beforehand and not timed.

`raw-select` (for reference, no target) is that statement's colour alone, its rows fetched:
what the baseline was until 2026-12-06 (docs/benchmarks.md, Finding 9, says why it changed).

Each side is timed inside a transaction that is then rolled back, so every run starts from the
same ledger; each process times one warm-up call and then the median of 3. The raw-sql
process also checks that the lamps it stored are the progress rule's, project by project:
the colour and the reason's values.
"""

from __future__ import annotations

import json
import statistics
from typing import Any

from benchmarks import common

SIDES = ["ours", "raw-sql", "raw-select"]
CALLS = 3
YELLOW, RED = 10, 30

# Per project (not cancelled): its plan of the year and its approved amount of the year to
# date, and its progress colour (NULL without a plan).
_PROGRESS = """
SELECT p.id, pl.plan, COALESCE(r.ytd, 0) AS ytd,
       CASE WHEN pl.plan IS NULL OR pl.plan <= 0 THEN NULL
            WHEN 1200 * COALESCE(r.ytd, 0) < (100 * %(month)s - 12 * %(red)s) * pl.plan
                THEN 'red'
            WHEN 1200 * COALESCE(r.ytd, 0) <= (100 * %(month)s - 12 * %(yellow)s) * pl.plan
                THEN 'yellow'
            ELSE 'green' END AS color
FROM ledger_project p
LEFT JOIN (SELECT project_id, SUM({plan}) AS plan FROM ledger_annualplan
           WHERE year = %(year)s GROUP BY project_id) pl ON pl.project_id = p.id
LEFT JOIN (SELECT project_id, SUM({completed}) AS ytd FROM ledger_monthlyreport
           WHERE status = 'approved' AND period >= %(ys)s AND period <= %(first)s
           GROUP BY project_id) r ON r.project_id = p.id
WHERE p.stage <> 'cancelled'
"""

# The colour alone (`raw-select`).
SELECT = ("SELECT x.id, x.color FROM ("  # noqa: S608
          + _PROGRESS.format(plan="planned_investment", completed="completed") + ") x")

# The lamp as stored: green without a reason when there is no plan; else the progress
# reason's JSON text, the rate to four places and the points to two, half up.
_STORE = """
INSERT INTO warnings_lamp (evaluation_id, project_id, year, month, color, rule, reasons)
SELECT %(evaluation)s, x.id, %(year)s, %(month)s, COALESCE(x.color, 'green'),
       CASE WHEN x.color IN ('red', 'yellow') THEN 'progress' ELSE '' END,
       CASE WHEN x.color IS NULL THEN '[]' ELSE
           '[{{"rule":"progress","color":"' || x.color || '","values":{{"rate":"' || {rate}
           || '","time":"' || {time} || '","points":"' || {points}
           || '"}},"threshold":{{"red_below":"' || %(red_text)s || '","yellow_below":"'
           || %(yellow_text)s || '"}}}}]' END{cast}
FROM ({progress}) x
"""

_POSTGRESQL = _STORE.format(
    progress=_PROGRESS.format(plan="planned_investment", completed="completed"),
    rate="ROUND(x.ytd / x.plan, 4)::text", time="ROUND(%(month)s / 12.0, 4)::text",
    points="ROUND((ROUND(x.ytd / x.plan, 4) - ROUND(%(month)s / 12.0, 4)) * 100, 2)::text",
    cast="::json")

# SQLite keeps decimals as floating point: the amounts in integer cents, the rate in integer
# ten-thousandths (half up), written by printf.
_RATE = "((20000 * x.ytd + x.plan) / (2 * x.plan))"
_TIME = "((20000 * %(month)s + 12) / 24)"
_SQLITE = _STORE.format(
    progress=_PROGRESS.format(plan="CAST(ROUND(planned_investment * 100) AS INTEGER)",
                              completed="CAST(ROUND(completed * 100) AS INTEGER)"),
    rate=f"printf('%%d.%%04d', {_RATE} / 10000, {_RATE} %% 10000)",
    time=f"printf('%%d.%%04d', {_TIME} / 10000, {_TIME} %% 10000)",
    points=(f"printf('%%s%%d.%%02d', CASE WHEN {_RATE} < {_TIME} THEN '-' ELSE '' END, "
            f"abs({_RATE} - {_TIME}) / 100, abs({_RATE} - {_TIME}) %% 100)"),
    cast="")


def _params(**extra: Any) -> dict[str, Any]:
    from taizhang.core.periods import Period

    period = Period(*common.PERIOD)
    return {"year": period.year, "ys": period.year_start, "first": period.first_day,
            "month": period.month, "yellow": YELLOW, "red": RED, "yellow_text": str(YELLOW),
            "red_text": str(RED), **extra}


def raw_select() -> dict[int, str | None]:
    """{project id: progress colour (None without a plan)} from one statement."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(SELECT, _params())
        return dict(cursor.fetchall())


class _Undo(Exception):
    pass


def _evaluation() -> Any:
    """An empty evaluation of the period for the county, for the raw lamps to belong to."""
    from django.utils import timezone

    from taizhang.warnings.models import Evaluation

    year, month = common.PERIOD
    return Evaluation.objects.create(division=common.county(), year=year, month=month,
                                     evaluated_at=timezone.now(), rules={})


def raw_sql(check: bool = False) -> float:
    """Seconds to store every project's progress lamp with one statement (rolled back after);
    with `check`, fails unless they are the progress rule's."""
    from django.db import connection, transaction

    statement = _POSTGRESQL if connection.vendor == "postgresql" else _SQLITE
    seconds = 0.0
    try:
        with transaction.atomic():
            evaluation = _evaluation()
            with connection.cursor() as cursor:
                seconds, _ = common.timed(lambda: cursor.execute(
                    statement, _params(evaluation=evaluation.pk)))
            if check and not _same(evaluation):
                raise SystemExit("raw-sql: its lamps are not the progress rule's")
            raise _Undo
    except _Undo:
        pass
    return seconds


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


def _projects() -> Any:
    """The projects the evaluation judges: the county's, not cancelled by the period's end."""
    from taizhang.core.periods import Period
    from taizhang.figures.per_project import counted
    from taizhang.ledger.models import Project

    county = common.county()
    return counted(Project.objects.filter(county.subtree_q("division__")), Period(*common.PERIOD))


def _progress_rule() -> dict[int, tuple[str, dict[str, Any]]]:
    """{project id: (colour, values)} of the progress rule with its default lines."""
    from django.utils import timezone

    from taizhang.accounts.models import OfficeSettings
    from taizhang.core.periods import Period
    from taizhang.warnings.rules import Context, ProgressRule

    return ProgressRule.evaluate(_projects(), Period(*common.PERIOD), ProgressRule.defaults(),
                                 Context(office=OfficeSettings.for_division(common.county()),
                                         now=timezone.now()))


def _same(evaluation: Any) -> bool:
    """The raw lamps are the progress rule's: one per project the evaluation judges, of the
    period, each with the rule's colour, and the reason's values and thresholds where the
    rule speaks of the project (it has a plan); green without a reason elsewhere. The
    `raw-select` colours agree too."""
    from django.db import connection

    from taizhang.warnings.rules import ProgressRule

    mine = _progress_rule()
    threshold = ProgressRule.threshold(ProgressRule.defaults())
    with connection.cursor() as cursor:
        cursor.execute("SELECT project_id, year, month, color, rule, reasons FROM warnings_lamp "
                       "WHERE evaluation_id = %s", [evaluation.pk])
        stored = cursor.fetchall()
    raw = {}
    for pk, year, month, color, rule, reasons in stored:
        found = json.loads(reasons) if isinstance(reasons, str) else reasons
        if (year, month) != common.PERIOD:
            return False
        if not found:
            if color != "green" or rule:
                return False
            continue
        (reason,) = found
        if (reason["rule"], reason["color"], reason["threshold"]) != ("progress", color,
                                                                      threshold):
            return False
        if rule != ("" if color == "green" else "progress"):
            return False
        raw[pk] = (color, reason["values"])
    judged = set(_projects().values_list("pk", flat=True))
    colours = {pk: color for pk, color in raw_select().items() if color is not None}
    return (raw == mine and len(mine) > 0 and len(stored) == len(judged)
            and {pk for pk, *_rest in stored} == judged
            and {pk: c for pk, (c, _v) in mine.items()} == colours)


def main() -> None:
    args = common.arguments(SIDES, common.LEDGER["projects"])
    common.use(args.db, "ledger")
    result: dict[str, Any] = {}
    if args.side == "ours":
        ours()  # warm-up
        times = [ours() for _ in range(CALLS)]
    elif args.side == "raw-sql":
        raw_sql(check=True)  # warm-up, and the check
        result["same_numbers"] = True
        times = [raw_sql() for _ in range(CALLS)]
    else:
        raw_select()
        times = [common.timed(raw_select)[0] for _ in range(CALLS)]
    result |= {"seconds": statistics.median(times), "calls": times}
    common.emit(**result)


if __name__ == "__main__":
    main()
