"""Read and bump the data version (stats.models.DataVersion).

`bump` runs inside the writer's transaction (the audit service announces every ledger write,
core/figures.py), so the new token becomes visible in the same commit as the new figures:
a reader that sees the old token has not missed a committed change. On PostgreSQL the
UPDATE also serializes concurrent writers on this one row until they commit, which is what
makes every committed state's token distinct.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction
from django.db.models import F

from taizhang.stats.models import DataVersion

# What `current` gives while the row does not exist (a test database flushed between tests).
NO_ROW = "none"


def current(using: str = DEFAULT_DB_ALIAS) -> str:
    """The committed data version of database `using`, as text for a cache key."""
    row = (DataVersion.objects.using(using).filter(pk=DataVersion.SINGLETON)
           .values_list("changes", "token").first())
    return f"{row[0]}-{row[1]}" if row else NO_ROW


def bump(using: str = DEFAULT_DB_ALIAS) -> None:
    """A new version, committed with the caller's transaction."""
    token = secrets.token_hex(16)
    rows = DataVersion.objects.using(using).filter(pk=DataVersion.SINGLETON)
    if rows.update(changes=F("changes") + 1, token=token):
        return
    try:  # the row is gone: make it again (or bump the one a concurrent writer just made)
        with transaction.atomic(using=using):
            DataVersion.objects.using(using).create(
                pk=DataVersion.SINGLETON, changes=1, token=token)
    except IntegrityError:
        rows.update(changes=F("changes") + 1, token=token)


def on_figures_may_change(sender: Any, *, using: str, **kwargs: Any) -> None:
    bump(using)
