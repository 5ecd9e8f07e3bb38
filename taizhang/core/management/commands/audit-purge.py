"""taizhang audit-purge --before YYYY-MM-DD: delete audit events older than the date."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from taizhang.core.audit.retention import purge_before
from taizhang.core.context import acting
from taizhang.core.services import ServiceError


class Command(BaseCommand):
    help = ("Delete audit events older than --before (refused inside the retention period, "
            "at least 6 months); the purge itself is recorded.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--before", required=True, help="YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            before = date.fromisoformat(options["before"])
        except ValueError as exc:
            raise CommandError(_("The date must look like YYYY-MM-DD.")) from exc
        try:
            with acting("command"):
                deleted = purge_before(before)
        except ServiceError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(_("Deleted %(n)d audit events older than %(date)s.")
                          % {"n": deleted, "date": before.isoformat()})
