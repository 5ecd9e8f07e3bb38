"""Benchmark 1, `import`: the 20,000-row standard ledger sheet into an empty ledger.

    python -m benchmarks.importing --db sqlite --size 20000 --side ours|django-import-export|floor

Each run imports into a fresh copy of the `import_template` database (the county's divisions
and an office user); only the import itself is timed, file reading included.
"""

from __future__ import annotations

from benchmarks import common
from benchmarks.prepare import sheet_path

SIDES = ["ours", "django-import-export", "floor"]


def run(db: str, size: int, side: str) -> dict:
    common.clone(db, "import_template", "import_run")
    common.use(db, "import_run")
    from taizhang.core.periods import Period
    from taizhang.ledger.models import AnnualPlan, MonthlyReport, Project

    county = common.county()
    if side == "ours":
        from taizhang.ledger.importing import import_ledger

        actor = common.office_user(county)
        path = sheet_path(size)
        seconds, result = common.timed(lambda: import_ledger(
            path, path.rsplit("/", 1)[-1], actor=actor, period=Period(*common.PERIOD)))
        if not result.applied:
            raise SystemExit(f"the import was refused: {result.errors[:3]}")
    elif side == "floor":
        from benchmarks.floor import import_sheet

        seconds, _ = common.timed(lambda: import_sheet(sheet_path(size), county))
    else:
        from benchmarks.iee import import_sheet as iee_import

        seconds, _ = common.timed(lambda: iee_import(sheet_path(size, flat=True)))
    rows = {"projects": Project.objects.count(), "plans": AnnualPlan.objects.count(),
            "reports": MonthlyReport.objects.count()}
    if rows["projects"] != size:
        raise SystemExit(f"{side} imported {rows['projects']} projects, not {size}")
    common.close()
    common.drop(db, "import_run")
    return {"seconds": seconds, "rss_mb": common.peak_rss_mb(), "rows": rows}


def main() -> None:
    args = common.arguments(SIDES, 20_000)
    common.emit(**run(args.db, args.size, args.side))


if __name__ == "__main__":
    main()
