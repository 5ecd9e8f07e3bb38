"""`taizhang check-deploy`: every problem for production, non-zero exit if any is an error."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from taizhang.core.deploy_checks import ERROR, problems


class Command(BaseCommand):
    help = "Check the settings for production: secret, DEBUG, HTTPS, hosts, login policy."
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        found = problems(settings)
        for problem in found:
            style = self.style.ERROR if problem.level == ERROR else self.style.WARNING
            self.stdout.write(style(str(problem)))
        n_errors = sum(1 for p in found if p.level == ERROR)
        if n_errors:
            raise CommandError(f"{n_errors} problem(s) must be fixed before production.")
        self.stdout.write(self.style.SUCCESS(
            f"Ready for production ({len(found)} warning(s))."))
