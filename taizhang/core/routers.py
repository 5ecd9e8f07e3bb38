"""Reads for reports may go to a PostgreSQL streaming replica (`DATABASE_REPLICA_URL`).

Only code that asks for it reads from the replica (`with replica_reads(): ...`): statistics,
exports and, later, the cockpit — figures where a second of replication lag does not matter.
A page a user has just changed keeps reading from the primary, so nobody sees their own write
vanish. Writes and migrations always go to the primary.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from django.conf import settings

REPLICA = "replica"
_use_replica: ContextVar[bool] = ContextVar("taizhang_replica_reads", default=False)


@contextlib.contextmanager
def replica_reads() -> Iterator[None]:
    token = _use_replica.set(True)
    try:
        yield
    finally:
        _use_replica.reset(token)


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str:
        if _use_replica.get() and REPLICA in settings.DATABASES:
            return REPLICA
        return "default"

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"
