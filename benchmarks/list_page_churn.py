"""Benchmark `list_page_churn`: the project list sorted by year to date while reports are
approved all the time.

    python -m benchmarks.list_page_churn --db sqlite --size 20 --side ours|django-admin

The load of `list_page` (same server, threads, warm-up, checks), with a second process
(benchmarks/churn_writer.py) approving a report of the county every second from before the
warm-up to the last answer: every write changes the figures the office user sees, so no
cached figure of the county outlives it. `ours` is the whole list page of the county sorted
by year to date, largest first (the figure column that needs every project's figure);
`django-admin` is the admin's changelist of the same projects under the same writer.
"""

from __future__ import annotations

import subprocess
import sys

from benchmarks import common
from benchmarks.list_page import measure

SIDES = ["ours", "django-admin"]
URLS = {
    "ours": "/ledger/projects/?period=2022-07&sort=-ytd",
    "django-admin": "/admin/ledger/project/",
}


def main() -> None:
    args = common.arguments(SIDES, 20)

    def writer() -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.churn_writer", "--db", args.db],
            cwd=common.ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert process.stdout is not None
        if process.stdout.readline().strip() != "READY":
            raise SystemExit("the writer did not start")
        return process

    common.emit(**measure(args, URLS[args.side], writer))


if __name__ == "__main__":
    main()
