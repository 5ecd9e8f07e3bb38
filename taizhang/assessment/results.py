"""Rankings of responsible units and townships for a period: the public API.

``ranking_for(division, period, level)``: the published ranking if there is one (frozen:
later edits of the scheme or the ledger never change it), else one computed now from the
year's scheme and the ledger.

**Order and ties.** Rows are ordered by total, highest first. Equal totals share a rank and
the next rank skips (competition ranking: 1, 2, 2, 4). Within equal totals rows are listed
by name in character (code point) order, then by key, so the same figures always list the
same way, on every database. The first ``reward_count`` ranks are marked ``reward`` (a tie
at the line takes every tied row in), and the rows ranked in the last ``summon_count``
counted from the bottom the same way (1 + the rows with a lower total) are marked
``summon``, unless already marked for reward.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from taizhang.accounts.models import Division
from taizhang.assessment.choices import Level, Mark
from taizhang.assessment.indicators import RULES, Context, points2
from taizhang.assessment.models import Result
from taizhang.assessment.schemes import SchemeSpec, scheme_spec
from taizhang.core.periods import Period
from taizhang.ledger.models import Project


@dataclass(frozen=True)
class IndicatorScore:
    code: str
    name: str
    points: Decimal
    max_points: Decimal
    figures: dict[str, Decimal | int]
    deduction: bool = False


@dataclass(frozen=True)
class Row:
    key: int
    name: str
    total: Decimal
    rank: int
    mark: str  # "reward" | "summon" | ""
    indicators: list[IndicatorScore]


@dataclass(frozen=True)
class Ranking:
    division: Division
    period: Period
    level: str
    published: bool
    rows: list[Row]
    scheme_name: str
    scheme_version: int
    reward_count: int
    summon_count: int
    published_at: datetime | None = None
    published_by: Any = None
    indicators: list[tuple[str, str, Decimal]] = field(default_factory=list)  # code, name, max


def subjects_projects(division: Division) -> Any:
    """The projects a division's ranking is made of: its own and those below it."""
    return Project.objects.filter(division.subtree_q("division__"))


def _subjects(ctx: Context) -> dict[int, str]:
    grouped = ctx.grouped()
    keys = [k for k in grouped.groups if k is not None
            and not (ctx.level == Level.TOWNSHIP and k == ctx.division.pk)]
    return {k: grouped.names.get(k, str(k)) for k in keys}


def _ranked(rows: list[tuple[int, str, Decimal, list[IndicatorScore]]],
            reward_count: int, summon_count: int) -> list[Row]:
    """Rows in order with competition ranks and marks (module docstring)."""
    rows = sorted(rows, key=lambda r: (-r[2], r[1], r[0]))
    first: dict[Decimal, int] = {}  # each total's first and last position in the order
    last: dict[Decimal, int] = {}
    for position, row in enumerate(rows):
        first.setdefault(row[2], position)
        last[row[2]] = position
    ranked: list[Row] = []
    for key, name, total, scores in rows:
        rank = first[total] + 1
        from_bottom = len(rows) - last[total]  # 1 + the rows with a lower total
        mark = ""
        if rank <= reward_count:
            mark = Mark.REWARD
        elif from_bottom <= summon_count:
            mark = Mark.SUMMON
        ranked.append(Row(key, name, total, rank, str(mark), scores))
    return ranked


def compute(division: Division, period: Period, level: str,
            scheme: SchemeSpec | None = None) -> Ranking:
    """The ranking computed now (never the published one)."""
    scheme = scheme or scheme_spec(division, period.year)
    ctx = Context(division, period, level, subjects_projects(division))
    subjects = _subjects(ctx)
    counted = scheme.counted()
    for i in counted:  # the counting rules' conditions first: one statement counts them all
        if conditions := RULES[i.code].conditions(ctx, i.params):
            ctx.wanted[i.code] = conditions
    figures_of = {i.code: RULES[i.code].figures(ctx, i.params) for i in counted}
    rows = []
    for key, name in subjects.items():
        scores = []
        for i in counted:
            rule = RULES[i.code]
            figures = figures_of[i.code].get(key, {})
            points = points2(rule.points(figures, i.params, i.weight))
            shown = {k: points2(v) if isinstance(v, Decimal) else v for k, v in figures.items()}
            scores.append(IndicatorScore(i.code, i.name, points, points2(i.weight), shown,
                                         rule.deduction))
        rows.append((key, name, points2(sum((s.points for s in scores), Decimal(0))), scores))
    return Ranking(division, period, level, False,
                   _ranked(rows, scheme.reward_count, scheme.summon_count),
                   scheme.name, scheme.version, scheme.reward_count, scheme.summon_count,
                   indicators=[(i.code, i.name, points2(i.weight)) for i in counted])


def ranking_for(division: Division, period: Period, level: str) -> Ranking:
    """The published ranking of the division, month and level, else one computed now."""
    published = (Result.objects.select_related("published_by")
                 .filter(division=division, month=str(period), level=level).first())
    if published is None:
        return compute(division, period, level)
    return from_result(published, division, period)


# --- stored form ------------------------------------------------------------------------------

def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def rows_to_json(ranking: Ranking) -> dict[str, Any]:
    return {
        "reward_count": ranking.reward_count, "summon_count": ranking.summon_count,
        "indicators": [[c, n, str(m)] for c, n, m in ranking.indicators],
        "rows": [{**asdict(row), "total": str(row.total), "indicators": [
            {**asdict(s), "points": str(s.points), "max_points": str(s.max_points),
             "figures": {k: _plain(v) for k, v in s.figures.items()}}
            for s in row.indicators]} for row in ranking.rows],
    }


def _number(value: Any) -> Decimal | int:
    return Decimal(value) if isinstance(value, str) else value


def from_result(result: Result, division: Division, period: Period) -> Ranking:
    data = result.rows
    rows = [Row(r["key"], r["name"], Decimal(r["total"]), r["rank"], r["mark"], [
        IndicatorScore(s["code"], s["name"], Decimal(s["points"]), Decimal(s["max_points"]),
                       {k: _number(v) for k, v in s["figures"].items()}, s["deduction"])
        for s in r["indicators"]]) for r in data["rows"]]
    return Ranking(division, period, result.level, True, rows, result.scheme_name,
                   result.scheme_version, data["reward_count"], data["summon_count"],
                   result.published_at, result.published_by,
                   [(c, n, Decimal(m)) for c, n, m in data["indicators"]])
