"""`make bench`: every benchmark, one process per measurement, on SQLite and PostgreSQL.

Prepares the inputs (a generated 100,000-project ledger per database, the xlsx sheets, an
empty ledger to import into), runs each benchmark's sides `BENCH_REPEATS` times (default 3)
interleaved, takes medians, writes var/bench/results.json and the results part of
docs/benchmarks.md.  PostgreSQL is used when DATABASE_URL names a PostgreSQL server or one
answers on 127.0.0.1:5432 (user postgres); its benchmark databases are dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sqlite3
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import common
from benchmarks.common import LEDGER, ROOT, VAR
from benchmarks.prepare import cache_key

REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
# django-import-export takes 1.3 min per run on SQLite and 3–3.7 min on PostgreSQL: three runs
# of it alone would be 15 of the 30 minutes.  BENCH_PEER_REPEATS=3 for a full run (~33 min).
PEER_REPEATS = int(os.environ.get("BENCH_PEER_REPEATS", "2"))
CACHE_KEY = cache_key()
STEP_TIMEOUT = 1200
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"


@dataclass(frozen=True)
class Benchmark:
    name: str
    module: str
    size: int  # what the entry reports (rows, projects)
    arg: int  # the process's --size (rows, projects, requests)
    baselines: tuple[str, ...]
    repeats: int = REPEATS
    side_repeats: tuple[tuple[str, int], ...] = ()  # fewer runs for a slow side

    def runs(self, side: str) -> int:
        return min(self.repeats, dict(self.side_repeats).get(side, self.repeats))


BENCHMARKS = [
    Benchmark("import", "importing", 20_000, 20_000, ("django-import-export", "floor"),
              side_repeats=(("django-import-export", PEER_REPEATS),)),
    Benchmark("stats", "stats", LEDGER["projects"], LEDGER["projects"], ("raw-sql",)),
    Benchmark("list_page", "list_page", LEDGER["projects"], 20, ("django-admin",)),
    Benchmark("list_page_churn", "list_page_churn", LEDGER["projects"], 20, ("django-admin",)),
    Benchmark("cockpit", "cockpit", LEDGER["projects"], 20, ("django-admin",)),
    Benchmark("stats_grouped", "stats_grouped", LEDGER["projects"], LEDGER["projects"],
              ("raw-sql",)),
    # Every lamp of a month (three rules, stored) against one statement storing the progress
    # lamp; for reference, that lamp's colour alone, selected.
    Benchmark("lamps", "lamps", LEDGER["projects"], LEDGER["projects"],
              ("raw-sql", "raw-select")),
    # The bulletin of a 10,000-project ledger of its own (benchmarks/bulletin.py makes it).
    Benchmark("bulletin", "bulletin", 10_000, 10_000, ("floor",)),
    # One run per side: a peak is one number, and two more 100,000-row imports per database
    # would not fit the 30 minutes.
    Benchmark("import_memory", "import_memory", 100_000, 100_000, ("floor",), repeats=1),
    # 10,000 enterprises × 1,000 policies in memory (benchmarks/policy_match.py); the nested
    # loop takes about a minute a run: one.
    Benchmark("policy_match", "policy_match", 10_000, 10_000, ("nested-loop",),
              side_repeats=(("nested-loop", 1),)),
]

# (name, baseline) → (target text, met?); None: measured for reference, no target.
TARGETS: dict[tuple[str, str], tuple[str, Any] | None] = {
    ("import", "django-import-export"): ("≥ 10× faster (ratio ≤ 0.10)",
                                         lambda e: e["ratio"] <= 0.1),
    ("import", "floor"): ("within 2× (ratio ≤ 2.0)", lambda e: e["ratio"] <= 2.0),
    ("stats", "raw-sql"): ("within 1.5× (ratio ≤ 1.5)", lambda e: e["ratio"] <= 1.5),
    ("list_page", "django-admin"): ("≥ its requests/s (ratio ≤ 1.0)", lambda e: e["ratio"] <= 1.0),
    ("list_page_churn", "django-admin"): ("within 1.5× under writes (ratio ≤ 1.5)",
                                          lambda e: e["ratio"] <= 1.5),
    ("stats_grouped", "raw-sql"): ("within 1.5× (ratio ≤ 1.5)", lambda e: e["ratio"] <= 1.5),
    ("cockpit", "django-admin"): ("≥ its requests/s (ratio ≤ 1.0)", lambda e: e["ratio"] <= 1.0),
    ("lamps", "raw-sql"): ("within 2× (ratio ≤ 2.0)", lambda e: e["ratio"] <= 2.0),
    ("lamps", "raw-select"): None,
    ("bulletin", "floor"): ("within 2× (ratio ≤ 2.0)", lambda e: e["ratio"] <= 2.0),
    ("import_memory", "floor"): ("peak RSS < 300 MB", lambda e: e["ours_rss_mb"] < 300),
    ("policy_match", "nested-loop"): ("≥ 20× faster (ratio ≤ 0.05)",
                                      lambda e: e["ratio"] <= 0.05),
}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def step(module: str, *args: str) -> dict[str, Any]:
    """Run `python -m benchmarks.<module> args` in a fresh process; its BENCH line, if any."""
    env = {**os.environ, "DEBUG": "0", "TAIZHANG_DEV": "1", "BENCH_PG_SERVER": common.pg_server(),
           "BENCH_CACHE_KEY": CACHE_KEY}
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-m", f"benchmarks.{module}", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=STEP_TIMEOUT)
    lines = done.stdout.splitlines()
    for line in lines:
        if not line.startswith("BENCH "):
            log(f"  {line}")
    if done.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    results = [json.loads(line[6:]) for line in lines if line.startswith("BENCH ")]
    return results[-1] if results else {}


def measure(bench: Benchmark, db: str) -> list[dict[str, Any]]:
    sides = ["ours", *bench.baselines]
    runs: dict[str, list[dict[str, Any]]] = {side: [] for side in sides}
    for repeat in range(bench.repeats):
        for side in [side for side in sides if repeat < bench.runs(side)]:
            result = step(bench.module, "--db", db, "--size", str(bench.arg), "--side", side)
            runs[side].append(result)
            log(f"{bench.name} {db} {side} #{repeat + 1}: {result['seconds']:.3f} s"
                + (f", {result['rss_mb']:.0f} MB" if "rss_mb" in result else ""))
    entries = []
    ours = _median(runs["ours"])
    for baseline in bench.baselines:
        theirs = _median(runs[baseline])
        entry = {"name": bench.name, "db": db, "size": bench.size,
                 "ours_s": round(ours["seconds"], 4), "baseline": baseline,
                 "baseline_s": round(theirs["seconds"], 4),
                 "ratio": round(ours["seconds"] / theirs["seconds"], 3)}
        for key in ("rss_mb", "rps", "p95_s", "requests", "writes"):
            if key in ours:
                entry[f"ours_{key}"] = round(ours[key], 3)
                entry[f"baseline_{key}"] = round(theirs[key], 3)
        if "same_numbers" in theirs:
            entry["same_numbers"] = all(r["same_numbers"] for r in runs[baseline])
        entry["runs_ours_s"] = [round(r["seconds"], 4) for r in runs["ours"]]
        entry["runs_baseline_s"] = [round(r["seconds"], 4) for r in runs[baseline]]
        target = TARGETS[bench.name, baseline]
        if target is None:
            entry["target"], entry["met"] = "reference (no target)", None
        else:
            entry["target"], entry["met"] = target[0], bool(target[1](entry))
        entries.append(entry)
    return entries


def _median(results: list[dict[str, Any]]) -> dict[str, Any]:
    keys = [k for k, v in results[0].items() if isinstance(v, int | float)
            and not isinstance(v, bool)]
    return {key: statistics.median(r[key] for r in results) for key in keys} | {
        k: v for k, v in results[0].items() if isinstance(v, bool)}


# ------------------------------------------------------------------ the report


def machine() -> dict[str, str]:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor())
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())[1])
    uname = subprocess.run(["uname", "-a"], capture_output=True, text=True).stdout.strip()
    return {"uname": uname, "cpu": cpu, "cores": str(os.cpu_count()),
            "ram": f"{mem_kb / 1024 / 1024:.1f} GiB", "python": platform.python_version(),
            "django": _version("django"), "sqlite": sqlite3.sqlite_version}


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def pg_version() -> str:
    try:
        import psycopg

        with psycopg.connect(common.db_url("postgresql", "x").rsplit("/", 1)[0] + "/postgres",
                             connect_timeout=5) as conn:
            return conn.execute("SHOW server_version").fetchone()[0]
    except Exception:
        return "not available"


def _verdict(met: bool | None, missed: str) -> str:
    return "—" if met is None else "met" if met else missed


def _fmt(value: float) -> str:
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def report(entries: list[dict[str, Any]], info: dict[str, str], wall: float,
           prepare: float, cached: dict[str, bool]) -> str:
    inputs = ("the SQLite ledger and the sheets from var/bench/cache" if cached.get("sqlite")
              else "every input made afresh")
    lines = [
        f"Run of {info['date']}: `make bench` (`.venv/bin/python -m benchmarks.run`, the "
        f"measurements with `DEBUG=0 TAIZHANG_DEV=1`), medians of {REPEATS} runs per side "
        f"(django-import-export: {PEER_REPEATS}; import_memory: 1).",
        "",
        f"**Wall time {wall / 60:.1f} min** (target ≤ 30 min: "
        f"{'met' if wall <= 1800 else '**missed**'}), of which {prepare / 60:.1f} min "
        f"preparing the inputs ({inputs}).",
        "",
        f"Machine: `{info['uname']}`; {info['cpu']}, {info['cores']} cores, {info['ram']} RAM; "
        f"Python {info['python']}, Django {info['django']}, SQLite {info['sqlite']}, "
        f"PostgreSQL {info['postgresql']}.",
        "",
        "| name | db | size | ours_s | baseline | baseline_s | ratio | target | met? |",
        "|---|---|---:|---:|---|---:|---:|---|---|",
    ]
    for e in entries:
        target = e["target"]
        if e["name"] == "import_memory":
            target += f": ours {e['ours_rss_mb']:,.0f} MB"
        elif e["name"] in ("list_page", "list_page_churn"):
            target += f": {e['ours_rps']:.2f} vs {e['baseline_rps']:.2f} req/s"
        lines.append(f"| {e['name']} | {e['db']} | {e['size']:,} | {_fmt(e['ours_s'])} | "
                     f"`{e['baseline']}` | {_fmt(e['baseline_s'])} | {e['ratio']:.2f} | "
                     f"{target} | {_verdict(e['met'], '**missed**')} |")
    lines += ["", "Also measured (medians):", ""]
    for e in entries:
        if e["name"] in ("list_page", "list_page_churn"):
            lines.append(
                f"- {e['name']} on {e['db']}: {e['ours_requests']:.0f} requests, ours "
                f"{e['ours_rps']:.2f} req/s (p95 {e['ours_p95_s']:.3f} s), django-admin "
                f"{e['baseline_rps']:.2f} req/s (p95 {e['baseline_p95_s']:.3f} s).")
        elif e["name"] in ("import", "import_memory") and e["baseline"] == "floor":
            lines.append(
                f"- {e['name']} ({e['size']:,} rows) on {e['db']}: peak RSS ours "
                f"{e['ours_rss_mb']:.0f} MB, floor {e['baseline_rss_mb']:.0f} MB.")
        elif e["name"] in ("stats", "stats_grouped"):
            lines.append(f"- {e['name']} on {e['db']}: raw SQL and the service give the same "
                         f"numbers: {'yes' if e.get('same_numbers') else '**no**'}.")
    return "\n".join(lines)


def write_doc(text: str) -> None:
    doc = DOC.read_text(encoding="utf-8") if DOC.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    head, rest = doc.split(START, 1)
    tail = rest.split(END, 1)[1]
    DOC.write_text(f"{head}{START}\n{text}\n{END}{tail}", encoding="utf-8")


# ------------------------------------------------------------------ main


# The benchmarks that read only the generated ledger: run alone, they need no other input.
# (`bulletin` makes its own 10,000-project ledger and needs none of the others' inputs.)
LEDGER_ONLY = {"stats", "list_page", "list_page_churn", "stats_grouped", "cockpit", "lamps",
               "bulletin"}
# Made in memory: no input at all.
NO_INPUT = {"policy_match"}


def prepare_inputs(db: str, ledger_only: bool = False) -> bool:
    """The inputs of `db`; True if its ledger came from the cache."""
    log(f"{db}: the generated ledger ({LEDGER})")
    cached = step("prepare", "ledger", "--db", db)["cached"]
    if ledger_only:
        return cached
    if db == "sqlite":
        log("the xlsx inputs, written with the app's exporter")
        step("prepare", "sheets")
    step("prepare", "template", "--db", db)
    log(f"{db}: inputs ready")
    return cached


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        choices=[bench.name for bench in BENCHMARKS],
                        help="run this benchmark only (repeatable); results.json and "
                             "docs/benchmarks.md then hold only these")
    parser.add_argument("--db", action="append", default=[], choices=["sqlite", "postgresql"],
                        help="this database only (repeatable)")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    benchmarks = [bench for bench in BENCHMARKS if not args.only or bench.name in args.only]
    ledger_only = all(bench.name in LEDGER_ONLY for bench in benchmarks)
    started = time.perf_counter()
    VAR.mkdir(parents=True, exist_ok=True)
    dbs = args.db or ["sqlite", *(["postgresql"] if common.pg_available() else [])]
    log(f"databases: {', '.join(dbs)}; {REPEATS} runs per side")
    entries: list[dict[str, Any]] = []
    prepare = 0.0
    cached: dict[str, bool] = {}
    try:
        # The inputs of both databases at once (2 cores); nothing is measured meanwhile.
        if not all(bench.name in NO_INPUT for bench in benchmarks):
            with ThreadPoolExecutor(len(dbs)) as pool:
                cached = dict(zip(dbs, pool.map(lambda db: prepare_inputs(db, ledger_only),
                                                dbs), strict=True))
        prepare = time.perf_counter() - started
        for db in dbs:
            for bench in benchmarks:
                entries += measure(bench, db)
    finally:
        wall = time.perf_counter() - started
        for db in dbs:
            for name in ("ledger", "import_template", "import_run", "bulletin_10000"):
                common.drop(db, name)
        info = machine() | {"postgresql": pg_version(),
                            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}
        results = VAR / "results.json"
        if args.only or args.db:
            # A partial run replaces its own entries and keeps the others; the doc's table is
            # written by full runs only.
            measured = {(e["name"], e["db"]) for e in entries}
            kept = [e for e in (json.loads(results.read_text()) if results.exists() else [])
                    if (e["name"], e["db"]) not in measured]
            results.write_text(json.dumps(kept + entries, indent=2, ensure_ascii=False))
        else:
            results.write_text(json.dumps(entries, indent=2, ensure_ascii=False))
            if entries:
                write_doc(report(entries, info, wall, prepare, cached))
        log(f"done in {wall / 60:.1f} min: var/bench/results.json, docs/benchmarks.md")
    for e in entries:
        log(f"{e['name']:<14} {e['db']:<10} ours {e['ours_s']:>9.3f} s  {e['baseline']:<21} "
            f"{e['baseline_s']:>9.3f} s  ratio {e['ratio']:>6.2f}  "
            f"{_verdict(e['met'], 'MISSED')}: {e['target']}")


if __name__ == "__main__":
    main()
