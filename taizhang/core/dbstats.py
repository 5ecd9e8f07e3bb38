"""Planner statistics after a bulk load.

PostgreSQL plans from statistics that autovacuum refreshes some time after a commit. Right
after thousands of rows arrive in one transaction (the demo, a generated ledger), or while that
transaction is still open (a test's scenario is loaded in one and rolled back at the end), they
describe the tables as they were before: empty tables with pages left by earlier rows read as
holding about one row. The planner then nests loops over every table; the Qian'an bulletin's
lamp list took over a minute instead of milliseconds. ``ANALYZE`` inside the transaction
counts its own rows, and is rolled back with it.
"""

from __future__ import annotations

from django.db import connections


def refresh_planner_statistics(using: str = "default") -> None:
    """Refresh the planner's statistics of every table (``ANALYZE``: PostgreSQL and SQLite
    both). Inside a transaction, the transaction's own rows count."""
    with connections[using].cursor() as cursor:
        cursor.execute("ANALYZE")
