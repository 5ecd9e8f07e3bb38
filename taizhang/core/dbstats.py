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
    """Refresh the planner's statistics of the project's tables (``ANALYZE``: PostgreSQL and
    SQLite both). Inside a transaction, the transaction's own rows count.

    The tables are named: a bare ``ANALYZE`` on PostgreSQL also takes the cluster's shared
    catalogs (users, databases), and inside a long transaction it holds them until the end,
    so another database's ``ANALYZE`` waits for it."""
    connection = connections[using]
    tables = sorted(connection.introspection.django_table_names(only_existing=True))
    if not tables:
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE " + ", ".join(quote(t) for t in tables))
        else:  # SQLite analyzes one table (or the whole file) per statement
            for table in tables:
                cursor.execute("ANALYZE " + quote(table))
