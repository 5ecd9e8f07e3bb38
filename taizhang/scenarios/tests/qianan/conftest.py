"""The Qian'an 2022 demo, loaded once for every test of this package: loading it takes a minute
on SQLite and several on PostgreSQL, so every check made on the demo (the article's figures,
the ranking, the bulletin, the dispatches) lives here rather than loading it again.

It is loaded inside a transaction rolled back at the end; each test runs in a savepoint on top
of it.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test import override_settings

from taizhang.scenarios.qianan.loader import load


@pytest.fixture(scope="package", autouse=True)
def scenario(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    ):
        with transaction.atomic():
            _worst_statistics()
            result = load()
            yield result
            transaction.set_rollback(True)


def _worst_statistics() -> None:
    """On PostgreSQL, every table's statistics as autovacuum leaves a table it found emptied
    (pages, no rows): the worst an earlier test of the process can leave behind. The load and
    the tests must not depend on how lucky that was (core/dbstats.py); rolled back with the
    scenario."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("UPDATE pg_class SET reltuples = 0, relpages = GREATEST(relpages, 10) "
                       "WHERE relkind = 'r' AND relnamespace = current_schema()::regnamespace")
