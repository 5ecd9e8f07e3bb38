"""The writer of `list_page_churn`: approves a report every second until it is stopped.

    python -m benchmarks.churn_writer --db sqlite [--every 1.0]

Each write is one transaction through the app's services, as an office would make it: an
approved report of the benchmark's period in the office's county is reopened, submitted
and approved again (its figures end as they were, so every run measures the same ledger;
every write moves the data versions, so the cache sees a change each time). The reports
are taken in turn. On SIGTERM it prints ``WRITES n`` and exits.
"""

from __future__ import annotations

import argparse
import signal
import time
from itertools import cycle
from typing import Any

from benchmarks import common
from taizhang.core.services import UNCHECKED

_stop = False


def _on_term(signum: int, frame: Any) -> None:
    global _stop
    _stop = True


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--every", type=float, default=1.0)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _on_term)
    common.use(args.db, "ledger")
    from django.db import transaction

    from taizhang.core.periods import Period
    from taizhang.ledger.choices import ReportStatus
    from taizhang.ledger.models import MonthlyReport
    from taizhang.ledger.services.reports import approve_report, reopen_report, submit_report

    office = common.office_user(common.county())
    period = Period(*common.PERIOD)
    ids = list(MonthlyReport.objects.filter(
        period=period.first_day, status=ReportStatus.APPROVED, covers_from__isnull=True,
    ).order_by("pk").values_list("pk", flat=True)[:500])
    if not ids:
        raise SystemExit("no approved report to churn")
    print("READY", flush=True)
    writes = 0
    next_at = time.monotonic()
    for pk in cycle(ids):
        if _stop:
            break
        with transaction.atomic():
            report = MonthlyReport.objects.get(pk=pk)
            report = reopen_report(report, actor=office, reason="基准测试：重新审核",
                                   expected_version=UNCHECKED)
            approve_report(submit_report(report, actor=office,
                                         expected_version=UNCHECKED), actor=office,
                           expected_version=UNCHECKED)
        writes += 1
        next_at += args.every
        while not _stop and time.monotonic() < next_at:
            time.sleep(min(0.05, max(0.0, next_at - time.monotonic())))
    print(f"WRITES {writes}", flush=True)


if __name__ == "__main__":
    main()
