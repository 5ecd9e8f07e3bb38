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
import heapq
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from itertools import islice
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

from taizhang.core.periods import Period
from taizhang.ledger.models import Project
from taizhang.stats import version
from taizhang.stats.service import LedgerStats, Segment, compute, compute_grouped, sum_of

logger = logging.getLogger(__name__)

# Part of every key: an entry pickled by older code (another release on a shared cache) is
# never read by newer code. Bump the number when an entry's meaning changes.
_LAYOUT = "v1:" + ",".join(f.name for cls in (LedgerStats, Segment) for f in fields(cls))

T = TypeVar("T")

# Up to this many divisions' statistics are computed one statement each (after a write: its
# township and the county above it), more in one statement grouped by division: for one
# division the plain statement takes half the grouped one's time (SQLite, 100,000 projects).
ONE_BY_ONE = 2


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


def project_version(projects: QuerySet[Project], versions: ScopeVersions | None) -> str:
    """The version of what is worked out from the project rows alone (the filter lists):
    only the shared version moves with a project's own row (stats/version.py), not with its
    reports, plans or lists, which change all day."""
    return versions.shared if versions is not None else version.current(projects.db)


def compute_by_division(projects: QuerySet[Project], period: Period, *, user: Any,
                        versions: ScopeVersions | None, start_rate_basis: str,
                        include_cancelled: bool = False) -> LedgerStats:
    """`compute(projects, period, …)` as the sum of the statistics of `projects` in each
    division of `user`'s scope, each piece cached under its own division's version.

    A write changes the version of one division (and those above it): the next request
    recomputes that division's piece only, one statement over its projects, and takes the
    others from the cache, so the figures of a county stay fast while its townships report
    all day. The pieces are exact sums and counts, so their sum is `compute`'s (the
    township grouping's property test)."""
    parts = [str(period), start_rate_basis, *(["cancelled"] if include_cancelled else [])]

    def make(divisions: list[int]) -> dict[int, LedgerStats]:
        if len(divisions) <= ONE_BY_ONE:
            return {pk: compute(projects.filter(division=pk), period,
                                start_rate_basis=start_rate_basis,
                                include_cancelled=include_cancelled) for pk in divisions}
        made = compute_grouped(projects.filter(division__in=divisions), period, "township",
                               start_rate_basis=start_rate_basis,
                               include_cancelled=include_cancelled, names=False).groups
        return {pk: made.get(pk) or sum_of([], period, start_rate_basis) for pk in divisions}

    if versions is None:
        return cached_compute(projects, period, start_rate_basis=start_rate_basis,
                              data_version=data_version(projects, user),
                              include_cancelled=include_cancelled)
    pieces = by_division(projects, versions, "stats-piece", parts, make)
    if pieces is None:
        return compute(projects, period, start_rate_basis=start_rate_basis,
                       include_cancelled=include_cancelled)
    return sum_of(pieces.values(), period, start_rate_basis)


class MergedOrder(Sequence[int]):
    """Project ids in one order, merged on demand from per-division sorted pieces: a page is
    a slice, and only the keys up to its end are merged."""

    def __init__(self, pieces: Iterable[list[tuple[Any, ...]]]) -> None:
        self.pieces = list(pieces)
        self.size = sum(len(piece) for piece in self.pieces)

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, index: Any) -> Any:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("MergedOrder takes a slice")
        start, stop, _ = index.indices(self.size)
        return [key[-1] for key in islice(heapq.merge(*self.pieces), start, stop)]


def order_by_division(rows: QuerySet[Project], field: str, *, descending: bool,
                      versions: ScopeVersions | None) -> MergedOrder | None:
    """The ids of `rows` ordered by the figure `field` (NULLs last) and then by id, as an
    ORDER BY of it would give them, from one sorted piece per division of `user`'s scope,
    each cached under its own division's version (see `compute_by_division`); None where
    there are no pieces to keep (the caller orders in SQL).

    Every key is kept as plain numbers (cents of an amount, a float share), so a piece is
    quick to read from the cache and keys compare exactly as the database compared them."""
    sign = -1 if descending else 1

    def key(value: Any, pk: int) -> tuple[Any, ...]:
        if value is None:
            return (True, 0, pk)
        number = int(value * 100) if isinstance(value, Decimal) else value
        return (False, sign * number, pk)

    def make(divisions: list[int]) -> dict[int, list[tuple[Any, ...]]]:
        pieces: dict[int, list[tuple[Any, ...]]] = {pk: [] for pk in divisions}
        for division, value, pk in (rows.filter(division__in=divisions).order_by()
                                    .values_list("division", field, "pk")):
            pieces[division].append(key(value, pk))
        for piece in pieces.values():
            piece.sort()
        return pieces

    if versions is None:
        return None
    pieces = by_division(rows, versions, "order-piece", [field, descending], make)
    return None if pieces is None else MergedOrder(pieces.values())


@dataclass(frozen=True)
class ScopeVersions:
    """The versions a viewer's figures depend on, read once per request before any figure:
    the shared version and, for each division of the viewer's scope, its own version."""

    shared: str
    divisions: dict[int, str]  # division id → "shared/its own" version


def scope_versions(projects: QuerySet[Project], user: Any) -> ScopeVersions | None:
    """The `ScopeVersions` of `user` in the database of `projects` (two queries); None when
    the scope has no division (a superuser: figures are cached whole, `data_version`)."""
    division = getattr(user, "division", None)
    if user.is_superuser or division is None:
        return None
    using = projects.db
    shared = version.current(using)
    tokens = version.of_subtree(division, using)
    return ScopeVersions(shared, {pk: f"{shared}/{token}" for pk, token in tokens.items()})


def by_division(projects: QuerySet[Project], versions: ScopeVersions, what: str,
                parts: list[Any], make: Callable[[list[int]], dict[int, T]]
                ) -> dict[int, T] | None:
    """`make(divisions)` (something worked out from the projects of `projects` in each of
    `divisions`, by division id) for every division of a scope, each from the cache if it
    was made for the same query, `what`, `parts` and the division's version read before
    (`versions`), as in `cached`. None when there is nothing to key by (a scope matching
    nothing, a version row missing) or no working cache: the caller works it out whole."""
    if versions.shared == version.NO_ROW or breaker.is_open():
        return None
    query = query_identity(projects)
    if query is None:
        return None
    keys = {pk: _key(query, what, [*parts, pk], token)
            for pk, token in versions.divisions.items()}
    if not keys or any(key is None for key in keys.values()):
        return None
    try:
        found = cache.get_many(list(keys.values()))
    except Exception as exc:  # as `cached`: slower pages, not errors
        breaker.trip(exc)
        return None
    pieces = {pk: found[key] for pk, key in keys.items() if key in found}
    if len(pieces) == len(keys):
        return pieces
    # One thread of a process makes the missing pieces; another one that missed them too
    # (both requests came after the same write) waits and reads them rather than making
    # them a second time on the same cores.
    with _making:
        try:
            found = cache.get_many([keys[pk] for pk in keys if pk not in pieces])
        except Exception as exc:
            breaker.trip(exc)
            found = {}
        pieces.update({pk: found[key] for pk, key in keys.items() if key in found})
        missing = [pk for pk in keys if pk not in pieces]
        if missing:
            new = make(missing)
            pieces.update(new)
            try:
                cache.set_many({keys[pk]: piece for pk, piece in new.items()},
                               settings.STATS_CACHE_SECONDS)
            except Exception as exc:
                breaker.trip(exc)
    return pieces


_making = threading.Lock()


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
    query = query_identity(projects)
    return None if query is None else _key(query, what, parts, data_version)


def query_identity(projects: QuerySet[Project]) -> list[Any] | None:
    """The database, compiled SQL and parameters of `projects` (compiled once, for many
    keys); None for a scope or filter that matches nothing: nothing to cache."""
    connection = connections[projects.db]
    try:
        sql, params = projects.order_by().query.get_compiler(connection=connection).as_sql()
    except EmptyResultSet:
        return None
    return [projects.db, sql, [repr(p) for p in params]]


def _key(query: list[Any], what: str, parts: list[Any], data_version: str) -> str | None:
    if data_version == version.NO_ROW:
        return None  # no version to key by (a test database emptied between tests)
    key = [_LAYOUT, what, *query, parts, data_version]
    return f"{what}:{hashlib.sha256(repr(key).encode()).hexdigest()}"
