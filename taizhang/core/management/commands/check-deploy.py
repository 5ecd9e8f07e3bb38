"""`taizhang check-deploy`: every problem for production, non-zero exit if any is an error.

The same verdict as `manage.py check --deploy` and the WSGI start (core/deploy_checks.py),
one line per problem naming the setting.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from taizhang.core.deploy_checks import describe, verdict


class Command(BaseCommand):
    help = "Check the settings for production: secret, DEBUG, HTTPS, hosts, login policy."
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        found = verdict()
        for message in found:
            style = self.style.ERROR if message.is_serious() else self.style.WARNING
            self.stdout.write(style(describe(message)))
        n_errors = sum(1 for m in found if m.is_serious())
        if n_errors:
            raise CommandError(f"{n_errors} problem(s) must be fixed before production.")
        self.stdout.write(self.style.SUCCESS(
            f"Ready for production ({len(found)} warning(s))."))
