"""`taizhang reap-jobs`: fail the running jobs whose worker died (cron, or after a crash)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from taizhang.jobs.services import reap


class Command(BaseCommand):
    help = "Mark failed the background jobs whose worker died."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{reap()}")
