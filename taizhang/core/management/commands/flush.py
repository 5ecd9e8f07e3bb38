"""Django's `flush` (used between transactional tests), allowed past the audit-table guard.

Emptying every table is a development and test operation; on SQLite it runs DELETE, which the
audit trigger refuses unless a purge is running (PostgreSQL's TRUNCATE fires no row trigger).
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand

from taizhang.core.audit.protection import sqlite_flag


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        with sqlite_flag():
            super().handle(**options)
