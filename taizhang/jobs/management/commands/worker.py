"""`taizhang worker`: run the background jobs (the queue of TAIZHANG_TASKS_BACKEND).

First fails the jobs whose worker died (a killed worker, a restarted machine), then runs the
backend's own worker: `db_worker` of django-tasks-db for the database queue (the default),
`rqworker` of django-rq for Redis. `make demo` starts one beside the web server; in
production it is a systemd service (docs/deploy.md).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections

from taizhang.jobs.services import reap


class Command(BaseCommand):
    help = "Run the background jobs (imports, large exports)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch", action="store_true",
                            help="Run the jobs waiting now, then exit (database queue only).")
        parser.add_argument("--interval", type=float, default=1.0,
                            help="Seconds between looks at an empty database queue.")

    def handle(self, *args: Any, batch: bool, interval: float, **options: Any) -> None:
        failed = reap()
        if failed:
            self.stderr.write(f"{failed} job(s) of a dead worker marked failed")
        if settings.TAIZHANG_TASKS_BACKEND == "redis":
            connections.close_all()  # RQ forks a process per job: none inherits a connection
            # RQ's jobs must be django-tasks-rq's, which know how to run a Task.
            call_command("rqworker", "default", "--job-class=django_tasks_rq.backend.Job",
                         *(["--burst"] if batch else []))
            return
        call_command("db_worker", "--no-reload", "--no-startup-delay",
                     f"--interval={interval}", *(["--batch"] if batch else []),
                     verbosity=options["verbosity"])
