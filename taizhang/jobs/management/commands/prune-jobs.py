"""`taizhang prune-jobs [--older-than DAYS]`: delete old finished jobs, their files and the
database queue's old results (daily from cron, docs/deploy.md)."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand

from taizhang.core.context import acting
from taizhang.jobs.prune import KEEP_DAYS, prune


def _days(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"a number of days (0 or more), not {text!r}")
    return value


class Command(BaseCommand):
    help = (
        "Delete the background jobs that finished more than DAYS days ago, with their "
        "files and the queue's own results; queued and running jobs are kept."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--older-than",
            type=_days,
            default=KEEP_DAYS,
            metavar="DAYS",
            help=f"Age in days of the finished jobs to delete (default {KEEP_DAYS}).",
        )

    def handle(self, *args: Any, older_than: int, **options: Any) -> None:
        with acting("command"):
            pruned = prune(older_than)
        self.stdout.write(
            f"{pruned.jobs} job(s), {pruned.files} file(s), "
            f"{pruned.task_results} queue result(s) deleted"
        )
