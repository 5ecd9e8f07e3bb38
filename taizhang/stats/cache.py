"""The statistics object (and the list's filter choices) for pages that show them on every
request, from Django's cache.

An entry is keyed by everything its figures depend on:

- the projects' query: the compiled SQL and parameters of the scoped, filtered queryset, so
  two users share an entry only when their scope and filters select by the very same
  conditions (two office users of one division do; two owners never do);
- the period and the start-rate basis;
- the data version of the viewer's scope in the database the figures are read from
  (stats/version.py): the shared version and the version of the viewer's division, which
  change in the same transaction as every write that may change a figure in that division.

The version is read before the figures: an entry can hold figures newer than its version (a
write committed meanwhile), never older, so no reader is ever served figures older than the
version it saw. Every process and host reads the same version from the database, so an
entry made by one of them is right for all; a write in a division makes every older entry
of that division and the divisions above it unreachable at once, and leaves the other
divisions' entries alone (old entries simply expire). Which cache is used (local memory per
process by default, Redis or the database when several hosts should share entries) is a
setting: `CACHE_URL`, see docs/deploy.md.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import fields
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

from taizhang.core.periods import Period
from taizhang.ledger.models import Project
from taizhang.stats import version
from taizhang.stats.service import LedgerStats, Segment, compute

logger = logging.getLogger(__name__)

# Part of every key: an entry pickled by older code (another release on a shared cache) is
# never read by newer code. Bump the number when an entry's meaning changes.
_LAYOUT = "v1:" + ",".join(f.name for cls in (LedgerStats, Segment) for f in fields(cls))

T = TypeVar("T")


def data_version(projects: QuerySet[Project], user: Any) -> str:
    """The data version of `user`'s scope in the database `projects` are read from (two
    queries). `projects` must lie within that scope (`Project.objects.restrict(user, …)` and
    filters of it): every scope rule stays inside the user's division (ledger/models/scope.py).

    Read it once per request, before any figure, and pass it to each cached call."""
    division = getattr(user, "division", None)
    if user.is_superuser or division is None:
        path = version.EVERYWHERE  # no division: nothing in scope, or everything
    else:
        path = division.path
    return version.of_scope(path, projects.db)


def cached_compute(projects: QuerySet[Project], period: Period, *, start_rate_basis: str,
                   data_version: str, include_cancelled: bool = False) -> LedgerStats:
    """`compute(projects, period, …)`, from the cache unless the data changed since."""
    return cached(projects, "stats", lambda: compute(
        projects, period, start_rate_basis=start_rate_basis,
        include_cancelled=include_cancelled),
        [str(period), start_rate_basis, *(["cancelled"] if include_cancelled else [])],
        data_version=data_version)


def cached(projects: QuerySet[Project], what: str, make: Callable[[], T], parts: list[Any],
           *, data_version: str) -> T:
    """`make()` (something worked out from `projects`), from the cache if it was already
    made for the same query, `what`, `parts` and data version."""
    key = cache_key(projects, what, parts, data_version)
    if key is None or breaker.is_open():
        return make()
    try:
        value: T | None = cache.get(key)
    except Exception as exc:  # the cache server is down or hangs: slower pages, not errors
        breaker.trip(exc)
        return make()
    if value is None:
        value = make()
        if not breaker.is_open():
            try:
                cache.set(key, value, settings.STATS_CACHE_SECONDS)
            except Exception as exc:
                breaker.trip(exc)
    return value


class CacheBreaker:
    """After the cache fails, this process leaves it alone for TAIZHANG_CACHE_RETRY_SECONDS.

    A cache server that hangs costs a call its read timeout; without the breaker a page
    would pay that on each of its cached calls, and every request again. One failure is one
    log line (no traceback: it is an operating condition, not a bug)."""

    def __init__(self) -> None:
        self.failed_at: float | None = None

    def is_open(self) -> bool:
        return (self.failed_at is not None
                and time.monotonic() - self.failed_at < settings.TAIZHANG_CACHE_RETRY_SECONDS)

    def trip(self, exc: BaseException) -> None:
        self.failed_at = time.monotonic()
        reason = (str(exc).strip().splitlines() or [""])[0]
        logger.warning("statistics cache unreachable (%s: %s); figures are computed without "
                       "it for the next %d s", type(exc).__name__, reason,
                       settings.TAIZHANG_CACHE_RETRY_SECONDS)

    def reset(self) -> None:
        self.failed_at = None


breaker = CacheBreaker()  # one per process: each worker finds out for itself


def cache_key(projects: QuerySet[Project], what: str, parts: list[Any],
              data_version: str) -> str | None:
    """The entry's key; None when there is nothing to key by or worth caching."""
    if data_version == version.NO_ROW:
        return None  # no version to key by (a test database emptied between tests)
    connection = connections[projects.db]
    try:
        sql, params = projects.order_by().query.get_compiler(connection=connection).as_sql()
    except EmptyResultSet:
        return None  # a scope or filter that matches nothing: nothing to cache
    key = [_LAYOUT, what, projects.db, sql, [repr(p) for p in params], parts, data_version]
    return f"{what}:{hashlib.sha256(repr(key).encode()).hexdigest()}"
