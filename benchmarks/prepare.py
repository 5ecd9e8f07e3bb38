"""The inputs of the benchmarks, made once per `make bench` run (not timed as benchmarks).

    python -m benchmarks.prepare ledger   --db D   # `taizhang generate` 100,000 × 24 months
    python -m benchmarks.prepare template --db D   # empty ledger: divisions + office user
    python -m benchmarks.prepare sheets            # the xlsx inputs, from the SQLite ledger

The sheets are written by the app's own exporter (title row, two-row merged header, 合计
row), from the first N projects of the generated ledger.  `sheets` also writes the flat copy
django-import-export needs (see docs/benchmarks.md).

The SQLite ledger and the sheets are kept in var/bench/cache/<key>/, the key a hash of the
parameters and of every source file of taizhang/ and of this module: a run after any code
change makes them again.  The PostgreSQL ledger is generated on every run (its databases are
dropped at the end).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import shutil
from functools import cache
from pathlib import Path

from benchmarks import common
from benchmarks.common import LEDGER, PERIOD, ROOT, VAR

SHEET_SIZES = (20_000, 100_000)


def cache_key() -> str:
    digest = hashlib.sha256(json.dumps([LEDGER, PERIOD, SHEET_SIZES]).encode())
    for path in sorted([*(ROOT / "taizhang").rglob("*.py"), Path(__file__)]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@cache
def cache_dir() -> Path:
    # The runner computes the key once, so a file edited during a run changes nothing.
    return VAR / "cache" / (os.environ.get("BENCH_CACHE_KEY") or cache_key())


def sheet_path(size: int, *, flat: bool = False) -> str:
    return str(cache_dir() / f"ledger-{size}{'-flat' if flat else ''}.xlsx")


def ledger(db: str) -> None:
    """The generated ledger for stats and list_page (and the sheets)."""
    from django.core.management import call_command

    cached = cache_dir() / "ledger.sqlite3"
    if db == "sqlite" and cached.exists():
        common.drop(db, "ledger")
        shutil.copyfile(cached, VAR / "ledger.sqlite3")
        print(f"ledger from {cached.relative_to(ROOT)}", flush=True)
        common.emit(cached=True)
        return
    common.create(db, "ledger")
    common.use(db, "ledger")
    call_command("migrate", verbosity=0)
    out = io.StringIO()
    call_command("generate", stdout=out, **LEDGER)  # runs ANALYZE at the end
    print(next(line for line in out.getvalue().splitlines() if line.startswith("Generated")),
          flush=True)
    common.office_user(common.county())
    from django.db import connection

    if connection.vendor == "postgresql":
        # What autovacuum would do soon after a bulk load anyway, so it does not do it in the
        # middle of a measurement.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    common.close()
    if db == "sqlite":
        if cached.parent.parent.exists():
            shutil.rmtree(cached.parent.parent)  # older code's inputs
        cached.parent.mkdir(parents=True)
        shutil.copyfile(VAR / "ledger.sqlite3", cached)
    common.emit(cached=False)


def template(db: str) -> None:
    """An empty ledger to import into: the county's divisions, its office and an office user."""
    from django.core.management import call_command

    common.create(db, "import_template")
    common.use(db, "import_template")
    call_command("migrate", verbosity=0)
    from taizhang.accounts.models import Organization
    from taizhang.core.periods import Period
    from taizhang.scenarios.synthetic.world import WorldBuilder

    county, *_ = WorldBuilder(1, "130283", 0, Period(*PERIOD), set(), set()).divisions()
    Organization.objects.create(kind="office", name=f"{county.name}重点项目办", division=county)
    common.office_user(county)
    common.close()


def sheets() -> None:
    """ledger-N.xlsx (the standard sheet of the first N projects) and ledger-20000-flat.xlsx."""
    paths = [sheet_path(size) for size in SHEET_SIZES] + [sheet_path(20_000, flat=True)]
    if all(Path(path).exists() for path in paths):
        print(f"sheets from {cache_dir().relative_to(ROOT)}", flush=True)
        return
    common.use("sqlite", "ledger")
    from taizhang.core.periods import Period
    from taizhang.ledger.exporting import write_ledger_xlsx
    from taizhang.ledger.models import Project

    for size in SHEET_SIZES:
        last = Project.objects.order_by("pk").values_list("pk", flat=True)[size - 1]
        partial = sheet_path(size) + ".part"  # never a half-written sheet in the cache
        # Cancelled projects too: the sheet holds all N projects, as every run checks.
        seconds, _ = common.timed(lambda last=last, partial=partial: write_ledger_xlsx(
            Project.objects.filter(pk__lte=last), Period(*PERIOD), partial,
            include_cancelled=True))
        Path(partial).replace(sheet_path(size))
        print(f"wrote {sheet_path(size)} in {seconds:.1f} s", flush=True)
    flatten(sheet_path(20_000), sheet_path(20_000, flat=True))
    common.close()


def flatten(source: str, target: str) -> None:
    """What a user does by hand before django-import-export can read the standard sheet: drop
    the title rows and the 合计 row and make the two-row merged header one row of names."""
    from openpyxl import Workbook
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(source).get_sheet_by_index(0).to_python()
    top, bottom = rows[2], rows[3]
    header = [str(b or t) for t, b in zip(top, bottom, strict=True)]
    book = Workbook()  # not write_only: readers need the sheet's dimension it records
    sheet = book.active
    sheet.append(header)
    for row in rows[4:]:
        if row[0] == "合计":
            break
        sheet.append([None if cell == "" else cell for cell in row])
    book.save(target + ".part")
    Path(target + ".part").replace(target)
    print(f"wrote {target}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["ledger", "template", "sheets"])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    VAR.mkdir(parents=True, exist_ok=True)
    if args.what == "ledger":
        ledger(args.db)
    elif args.what == "template":
        template(args.db)
    else:
        sheets()


if __name__ == "__main__":
    main()
