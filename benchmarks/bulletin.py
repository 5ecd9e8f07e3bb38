"""Benchmark `bulletin`: the 2022-07 bulletin of a 10,000-project ledger, as docx and xlsx.

    python -m benchmarks.bulletin --db sqlite --size 10000 --side ours|floor

The ledger is `taizhang generate --projects N` (24 months) with the month's lamps evaluated,
made once (SQLite: kept in var/bench/cache/<key>/ like the big ledger; PostgreSQL: kept until
the run drops its databases), not timed.

`ours` is what `taizhang bulletin` does for both formats: the content from the figures
(grouped statistics, per-project figures, the curve, the lamps, the assessment's ranking),
the two charts, and the docx and xlsx writers. `floor` writes the same tables (the docx's:
units, townships, rankings, red and yellow lists, new starts and completions; the workbook's
sheets with the full ledger) with python-docx (plain cells) and openpyxl write-only, from
numbers computed beforehand, untimed. One warm-up, then the median of 3 calls.
"""

from __future__ import annotations

import io
import shutil
import statistics
from typing import Any

from benchmarks import common
from benchmarks.prepare import cache_dir

SIDES = ["ours", "floor"]
SIZE = 10_000
CALLS = 3


def _name(size: int) -> str:
    return f"bulletin_{size}"


def _exists(db: str, name: str) -> bool:
    if db == "sqlite":
        return (common.VAR / f"{name}.sqlite3").exists()
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(common.pg_server())
    url = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                            [f"{common.PG_PREFIX}{name}"]).fetchone() is not None


def prepare(db: str, size: int) -> None:
    """The ledger of `size` projects with 2022-07's lamps; Django set up on it."""
    from django.core.management import call_command

    name = _name(size)
    cached = cache_dir() / f"{name}.sqlite3"
    if db == "sqlite" and cached.exists():
        shutil.copyfile(cached, common.VAR / f"{name}.sqlite3")
    if _exists(db, name):
        common.use(db, name)
        return
    common.VAR.mkdir(parents=True, exist_ok=True)
    common.create(db, name)
    common.use(db, name)
    call_command("migrate", verbosity=0)
    call_command("generate", projects=size, months=24, seed=1, stdout=io.StringIO())
    from taizhang.core.periods import Period
    from taizhang.warnings.services import evaluate_period

    county = common.county()
    evaluate_period(county, Period(*common.PERIOD), actor=common.office_user(county))
    if db == "sqlite":
        common.close()
        cached.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(common.VAR / f"{name}.sqlite3", cached)


def ours() -> None:
    from taizhang.bulletin.services import build_live
    from taizhang.bulletin.writers import write
    from taizhang.core.periods import Period

    content = build_live(common.county(), Period(*common.PERIOD))
    for fmt in ("docx", "xlsx"):
        write(content, fmt, io.BytesIO())


def _floor_inputs() -> tuple[list[Any], list[tuple[str, list[list[Any]]]]]:
    """The docx's tables and the workbook's sheets, as plain rows (computed untimed)."""
    from taizhang.bulletin import document
    from taizhang.bulletin.services import build_live
    from taizhang.bulletin.writers.xlsx import GROUP_HEADER, LEDGER_HEADER
    from taizhang.core.periods import Period

    content = build_live(common.county(), Period(*common.PERIOD))
    tables = [b for b in document.blocks(content, with_charts=False)
              if isinstance(b, document.Table)]

    def groups(lines: list[Any]) -> list[list[Any]]:
        return [GROUP_HEADER] + [[g.rank, g.name, g.projects, g.planned_total, g.annual_plan,
                                  g.ytd_completed, g.month_completed, g.completion_rate,
                                  g.points_vs_time, g.new_starts] for g in lines]

    def projects(lines: list[Any]) -> list[list[Any]]:
        return [LEDGER_HEADER] + [
            [i, p.code, p.name, p.unit, p.township, p.stage, p.planned_total, p.annual_plan,
             p.ytd_completed, p.month_completed, p.since_start_completed, p.completion_rate,
             p.points_vs_time, p.actual_start, p.actual_completion, p.lamp, p.lamp_reason]
            for i, p in enumerate(lines, start=1)]

    sheets = [("分责任单位", groups(content.units)), ("分乡镇", groups(content.townships)),
              ("红黄灯预警", [[x.color, x.project, x.unit, x.reason]
                             for x in content.lamps or []]),
              ("本月新开工", projects(content.new_starts)),
              ("本月竣工投产", projects(content.completions)),
              ("项目台账", projects(content.ledger))]
    return tables, sheets


def floor(tables: list[Any], sheets: list[tuple[str, list[list[Any]]]]) -> None:
    from docx import Document
    from openpyxl import Workbook

    document = Document()
    for table in tables:
        rows = [table.header, *table.rows, *([table.total] if table.total else [])]
        grid = document.add_table(rows=len(rows), cols=len(table.header))
        for row, values in zip(grid.rows, rows, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    document.save(io.BytesIO())
    book = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(io.BytesIO())


def main() -> None:
    args = common.arguments(SIDES, SIZE)
    prepare(args.db, args.size)
    if args.side == "ours":
        fn = ours
    else:
        inputs = _floor_inputs()
        fn = lambda: floor(*inputs)  # noqa: E731
    fn()  # warm-up: imports, fonts, first query plans
    times = [common.timed(fn)[0] for _ in range(CALLS)]
    common.emit(seconds=statistics.median(times), calls=times)


if __name__ == "__main__":
    main()
