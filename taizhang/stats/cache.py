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
import secrets
import threading
import time
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from itertools import chain, islice
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, QuerySet

from taizhang.core.periods import Period
from taizhang.ledger.models import Project
from taizhang.stats import version
from taizhang.stats.service import LedgerStats, Segment, compute, compute_per, sum_of

logger = logging.getLogger(__name__)

# Part of every key: an entry pickled by older code (another release on a shared cache) is
# never read by newer code. Bump the number when an entry's meaning changes.
_LAYOUT = "v2:" + ",".join(f.name for cls in (LedgerStats, Segment) for f in fields(cls))

T = TypeVar("T")

# Up to this many slices' statistics are computed one statement each (after a write: its
# slice), more in one statement grouped by slice: for one division the plain statement took
# half the grouped one's time (SQLite, 100,000 projects).
ONE_BY_ONE = 1
# Up to this many slices (the slices of a few writes) are few projects for the statement
# (`compute(…, few=True)`); the pieces of a whole scope (the first request) are not.
FEW_SLICES = 16


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
    slice of each division of `user`'s scope (the projects placed in the division itself,
    by id modulo version.SLICES), each piece cached under its own slice's version.

    A write to a project's figures changes the version of its slice only: the next request
    recomputes that piece, one statement over an eighth of the division's projects, and
    takes the others from the cache, so the figures of a county stay fast while its
    townships report all day. The pieces are exact sums and counts of disjoint sets, so
    their sum is `compute`'s (`sum_of`; the township grouping's property test)."""
    parts = [str(period), start_rate_basis, *(["cancelled"] if include_cancelled else [])]

    def make(slices: list[Slice]) -> dict[Slice, LedgerStats]:
        if len(slices) <= ONE_BY_ONE:
            return {key: compute(_in_slice(projects, key), period,
                                 start_rate_basis=start_rate_basis,
                                 include_cancelled=include_cancelled, few=True)
                    for key in slices}
        made = compute_per(_in_slices(projects, slices), period, _SLICE_KEY,
                           start_rate_basis=start_rate_basis,
                           include_cancelled=include_cancelled,
                           few=len(slices) <= FEW_SLICES)
        return {(d, part): made.get(d * version.SLICES + part)
                or sum_of([], period, start_rate_basis) for d, part in slices}

    if versions is None:
        return cached_compute(projects, period, start_rate_basis=start_rate_basis,
                              data_version=data_version(projects, user),
                              include_cancelled=include_cancelled)
    pieces = by_division(projects, versions, "stats-piece", parts, make)
    if pieces is None:
        return compute(projects, period, start_rate_basis=start_rate_basis,
                       include_cancelled=include_cancelled)
    return sum_of(pieces.values(), period, start_rate_basis)


class OrderPiece:
    """One division's project ids sorted by a figure (NULLs last, ties by id), kept as
    flat arrays: the sort keys (integer cents of an amount, or a float share) and the ids
    of the projects with a figure, then the ids of those without. Arrays pickle and load as
    one block of bytes: a county's pieces are read from the cache on every request, and
    100,000 pickled tuples took 0.1 s to load."""

    def __init__(self, rows: list[tuple[Any, int]], *, descending: bool) -> None:
        sign = -1 if descending else 1
        valued = sorted((sign * _number(value), pk) for value, pk in rows if value is not None)
        floats = any(isinstance(key, float) for key, _ in valued)
        self.keys = array("d" if floats else "q", [key for key, _ in valued])
        self.ids = array("q", [pk for _, pk in valued])
        self.nulls = array("q", sorted(pk for value, pk in rows if value is None))

    def __len__(self) -> int:
        return len(self.ids) + len(self.nulls)


def _number(value: Any) -> Any:
    return int(value * 100) if isinstance(value, Decimal) else value


class MergedOrder(Sequence[int]):
    """Project ids in one order, merged on demand from per-division sorted pieces: a page is
    a slice, and only the keys up to its end are merged."""

    def __init__(self, pieces: Iterable[OrderPiece]) -> None:
        self.pieces = list(pieces)
        self.size = sum(len(piece) for piece in self.pieces)

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, index: Any) -> Any:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("MergedOrder takes a slice")
        start, stop, _ = index.indices(self.size)
        valued = heapq.merge(*(zip(p.keys, p.ids, strict=True) for p in self.pieces))
        nulls = heapq.merge(*(p.nulls for p in self.pieces))
        ids = chain((pk for _, pk in valued), nulls)
        return list(islice(ids, start, stop))


def order_by_division(projects: QuerySet[Project], period: Period,
                      figures: Callable[[QuerySet[Project]], QuerySet[Project]], field: str, *,
                      descending: bool, versions: ScopeVersions | None) -> MergedOrder | None:
    """The ids of `projects` ordered by the figure `field` of `figures(projects)` (their
    figures for `period` annotated) (NULLs last) and then by id, as an ORDER BY of it would
    give them, from one sorted piece per slice of each division of the viewer's scope, each
    cached under its own slice's version (see `compute_by_division`); None where there are
    no pieces to keep (the caller orders in SQL). The pieces are keyed by `projects`' query
    and the period: `figures` is built and compiled only for the pieces to make (it took
    20 ms of every request, cached or not).

    Every key is kept as a plain number (cents of an amount, a float share), so keys
    compare exactly as the database compared them."""

    def make(slices: list[Slice]) -> dict[Slice, OrderPiece]:
        found: dict[Slice, list[tuple[Any, int]]] = {key: [] for key in slices}
        chosen = (_in_slice(projects, slices[0]) if len(slices) == 1
                  else _in_slices(projects, slices))
        for division, value, pk in (figures(chosen).order_by()
                                    .values_list("division", field, "pk")):
            found[division, version.slice_of(pk)].append((value, pk))
        return {key: OrderPiece(piece, descending=descending) for key, piece in found.items()}

    if versions is None:
        return None
    pieces = by_division(projects, versions, "order-piece",
                         [str(period), field, descending], make)
    return None if pieces is None else MergedOrder(pieces.values())


# A slice of a division's projects: (division id, project id modulo version.SLICES).
Slice = tuple[int, int]


# A slice as one number, for grouping and filtering by several slices at once.
_SLICE_KEY = F("division") * version.SLICES + F("pk") % version.SLICES


def _in_slice(projects: QuerySet[Project], key: Slice) -> QuerySet[Project]:
    division, part = key
    return (projects.filter(division=division)
            .alias(figures_slice=F("pk") % version.SLICES).filter(figures_slice=part))


def _in_slices(projects: QuerySet[Project], slices: list[Slice]) -> QuerySet[Project]:
    """The projects of `slices` only (after a few writes: a few slices of a few divisions,
    not those divisions whole)."""
    return (projects.filter(division__in={d for d, _ in slices})
            .alias(figures_slice=_SLICE_KEY)
            .filter(figures_slice__in=[d * version.SLICES + part for d, part in slices]))


@dataclass(frozen=True)
class ScopeVersions:
    """The versions a viewer's figures depend on, read once per request before any figure:
    the shared version and, for each division of the viewer's scope, its own version."""

    shared: str
    divisions: dict[Slice, str]  # (division id, slice) → "shared/the slice's" version


def whole_version(versions: ScopeVersions) -> str:
    """One token for every version of the scope: what a figure cached whole (not in pieces
    per division) is keyed by; it moves when any of them does."""
    every = hashlib.sha256(repr(sorted(versions.divisions.items())).encode()).hexdigest()
    return f"{versions.shared}/{every}"


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
                parts: list[Any], make: Callable[[list[Slice]], dict[Slice, T]]
                ) -> dict[Slice, T] | None:
    """`make(slices)` (something worked out from the projects of `projects` in each of
    `slices`, by (division id, slice)) for every slice of every division of a scope, each
    from the cache if it was made for the same query, `what`, `parts` and the slice's
    version read before (`versions`), as in `cached`. None when there is nothing to key by
    (a scope matching nothing, a version row missing) or no working cache: the caller works
    it out whole."""
    if versions.shared == version.NO_ROW or breaker.is_open():
        return None
    query = query_identity(projects)
    if query is None:
        return None
    digest = _query_digest(query, what)
    keys: dict[Slice, str] = {}
    for pk, token in versions.divisions.items():
        key = _key(digest, what, [*parts, pk], token)
        if key is None:
            return None
        keys[pk] = key
    if not keys:
        return None
    try:
        read = local.find(keys.values())
        pieces = {pk: read[key] for pk, key in keys.items() if key in read}
        if len(pieces) < len(keys):
            found = cache.get_many([key for pk, key in keys.items() if pk not in pieces])
            pieces.update({pk: found[key] for pk, key in keys.items() if key in found})
            local.keep(found)
    except Exception as exc:  # as `cached`: slower pages, not errors
        breaker.trip(exc)
        return None
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
        local.keep(found)
        missing = [pk for pk in keys if pk not in pieces]
        if missing:
            new = make(missing)
            pieces.update(new)
            made = {keys[pk]: piece for pk, piece in new.items()}
            local.keep(made)
            try:
                cache.set_many(made, settings.STATS_CACHE_SECONDS)
            except Exception as exc:
                breaker.trip(exc)
    return pieces


_making = threading.Lock()


class LocalPieces:
    """The pieces this process has read or made lately, as objects, by cache key.

    A key names its piece's query and versions, so a piece under it never changes: a
    request after no write finds every piece here instead of loading a county's 400 from
    the cache (about 40 ms a request: the cache's key checks, locks and unpickling). The
    cache stays the shared store; this only spares reading it again. Emptied when the cache
    is cleared (a marker entry of the cache is gone: tests roll their database back under
    it), and bounded (least recently used out first)."""

    MARKER = "stats-local-pieces"

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[str, Any] = OrderedDict()
        self.marker: str | None = None
        self.lock = threading.Lock()

    def find(self, keys: Iterable[str]) -> dict[str, Any]:
        """The pieces kept under `keys`, once they are known to belong to the cache as it
        is (one read of the marker)."""
        marker = cache.get(self.MARKER)
        if marker is None:
            cache.add(self.MARKER, secrets.token_hex(8), None)
            marker = cache.get(self.MARKER)
        with self.lock:
            if marker != self.marker:
                self.entries.clear()
                self.marker = marker
            return {key: self.entries[key] for key in keys if key in self.entries}

    def keep(self, pieces: dict[str, Any]) -> None:
        with self.lock:
            if self.marker is None:
                return
            for key, piece in pieces.items():
                self.entries[key] = piece
                self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


# Four counties' list and cockpit pieces (400 + 25 each) and then some.
local = LocalPieces(4096)


def cached(projects: QuerySet[Project], what: str, make: Callable[[], T], parts: list[Any],
           *, data_version: str) -> T:
    """`make()` (something worked out from `projects`), from the cache if it was already
    made for the same query, `what`, `parts` and data version."""
    return _through_cache(cache_key(projects, what, parts, data_version), make)


def cached_deployment(what: str, make: Callable[[], T], parts: list[Any], *,
                      data_version: str) -> T:
    """`cached` for what is worked out from the whole deployment rather than from a scope's
    projects (the production-factor sections: stats/sections.py)."""
    return _through_cache(_key("deployment", what, parts, data_version), make)


def _through_cache(key: str | None, make: Callable[[], T]) -> T:
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


def _key(query: list[Any] | str, what: str, parts: list[Any], data_version: str) -> str | None:
    """The entry's key; `query` may be `_query_digest(query, what)`, worked out once for the
    many keys of one request's pieces."""
    if data_version == version.NO_ROW:
        return None  # no version to key by (a test database emptied between tests)
    digest = query if isinstance(query, str) else _query_digest(query, what)
    key = repr([digest, parts, data_version])
    return f"{what}:{hashlib.sha256(key.encode()).hexdigest()}"


def _query_digest(query: list[Any], what: str) -> str:
    return hashlib.sha256(repr([_LAYOUT, what, *query]).encode()).hexdigest()
