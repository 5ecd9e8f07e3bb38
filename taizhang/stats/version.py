"""Read and bump the data versions (stats.models.DataVersion, DivisionVersion).

Two kinds of version make a cache key (stats/cache.py):

- the shared version (`DataVersion`, one row): changes with every write that is not tied to
  one project's division: divisions, organizations, people, office settings, key lists,
  projects themselves (a project may move to another division; its old one must see it go),
  restores and bulk loads;
- the division versions (`DivisionVersion`, one row per division path, and "" for all of
  them): a write to a project's reports, plans, stage changes or list memberships changes the
  version of the project's division and of each division above it, and "";
- the slice versions (`DivisionVersion` rows named `<division path>#<n>`): the same write
  also changes the version of the project's slice (its id modulo `SLICES`) of the projects
  placed in its division itself. The list's cached pieces (stats/cache.py) are kept per
  slice, so a write makes the next request recompute one slice of one division.

A viewer's figures depend only on projects in the viewer's division and below (every scope
rule of ledger/models/scope.py starts from `division.subtree_q`; a superuser's from all
divisions, path ""), so the shared version and the version of that one division name every
write that may change them, and no other.

Every bump runs inside the writer's transaction (the audit service announces every ledger
write, core/figures.py), so a new token becomes visible in the same commit as the new
figures: a reader that sees the old tokens has not missed a committed change. On PostgreSQL
the UPDATE also serializes concurrent writers on the rows they share until they commit, which
is what makes every committed state's tokens distinct. Tokens are random, never counters: a
rolled-back transaction or a restored backup can never bring an old token back.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction
from django.db.models import F, Model, OuterRef, Subquery, Value
from django.db.models.functions import Concat

from taizhang.stats.models import DataVersion, DivisionVersion

# What `current` gives while the row does not exist (a test database flushed between tests).
NO_ROW = "none"
# A division whose version row was never written: no write below it since the rows began.
NEVER_WRITTEN = "0"
# The path whose version covers every division (a superuser's scope).
EVERYWHERE = ""
# The projects placed in one division are cached in this many slices (by id), each under its
# own version (`slice_path`): a write to one project's figures makes the next request
# recompute an eighth of its division's projects, not all of them.
SLICES = 8


def current(using: str = DEFAULT_DB_ALIAS) -> str:
    """The committed shared version of database `using`, as text for a cache key."""
    row = (DataVersion.objects.using(using).filter(pk=DataVersion.SINGLETON)
           .values_list("changes", "token").first())
    return f"{row[0]}-{row[1]}" if row else NO_ROW


def of_division(path: str, using: str = DEFAULT_DB_ALIAS) -> str:
    """The committed version of division `path` and everything below it."""
    token = (DivisionVersion.objects.using(using).filter(path=path)
             .values_list("token", flat=True).first())
    return token or NEVER_WRITTEN


def of_divisions(paths: Iterable[str], using: str = DEFAULT_DB_ALIAS) -> dict[str, str]:
    """`of_division` of each of `paths`, in one query."""
    paths = list(paths)
    found = dict(DivisionVersion.objects.using(using).filter(path__in=paths)
                 .values_list("path", "token"))
    return {path: found.get(path, NEVER_WRITTEN) for path in paths}


def slice_of(project_id: int) -> int:
    """The slice of a division a project's figures are cached in (stats/cache.py)."""
    return project_id % SLICES


def slice_path(path: str, part: int) -> str:
    """The version row of slice ``part`` of the projects placed in division ``path`` itself
    (not below it)."""
    return f"{path}#{part}"


def of_subtree(division: Any, using: str = DEFAULT_DB_ALIAS) -> dict[tuple[int, int], str]:
    """The version of every slice of the projects placed in `division` and in each division
    below it, by (division id, slice), in one query."""
    from taizhang.accounts.models import Division

    def token(part: int) -> Subquery:
        return Subquery(DivisionVersion.objects.using(using).filter(
            path=Concat(OuterRef("path"), Value(f"#{part}"))).values("token")[:1])

    rows = (Division.objects.using(using).filter(division.subtree_q())
            .annotate(**{f"t{part}": token(part) for part in range(SLICES)})
            .values_list("pk", *(f"t{part}" for part in range(SLICES))))
    return {(pk, part): tokens[part] or NEVER_WRITTEN
            for pk, *tokens in rows for part in range(SLICES)}


def of_scope(path: str, using: str = DEFAULT_DB_ALIAS) -> str:
    """The version of the figures of every project in division `path` and below: the shared
    version, then the division's. Read the shared one first: an entry may then hold figures
    newer than its key, never older."""
    shared = current(using)
    if shared == NO_ROW:
        return NO_ROW
    return f"{shared}/{of_division(path, using)}"


def bump(using: str = DEFAULT_DB_ALIAS) -> None:
    """A new shared version (every cached figure becomes unreachable), committed with the
    caller's transaction."""
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


def lineage(path: str) -> list[str]:
    """`path` and the path of every division above it, and "" (all divisions)."""
    codes = [code for code in path.split("/") if code]
    return [EVERYWHERE, *("".join(f"{c}/" for c in codes[:n]) for n in range(1, len(codes) + 1))]


def bump_divisions(paths: Iterable[str], using: str = DEFAULT_DB_ALIAS, *,
                   slices: Iterable[tuple[str, int]] = ()) -> None:
    """New versions for the divisions `paths` and every division above them, and for the
    `slices` (division path, project id: that project's slice of its division), committed
    with the caller's transaction. One statement; rows in path order, so two writers lock
    shared rows in the same order."""
    every = sorted({p for path in paths for p in lineage(path)}
                   | {slice_path(path, slice_of(pk)) for path, pk in slices})
    if not every:
        return
    DivisionVersion.objects.using(using).bulk_create(
        [DivisionVersion(path=p, token=secrets.token_hex(16)) for p in every],
        update_conflicts=True, unique_fields=["path"], update_fields=["token"])


def _division_paths(objects: list[Model], using: str) -> list[tuple[str, int]] | None:
    """The divisions and projects whose figures `objects` may change, as (division path,
    project id); None if not tied to projects."""
    from taizhang.ledger.models import Project

    project_ids = set()
    for obj in objects:
        project_id = getattr(obj, "project_id", None)
        if isinstance(obj, Project) or project_id is None:
            return None  # a project itself (it may have moved), or not a project's row
        project_ids.add(project_id)
    return list(Project.objects.using(using).filter(pk__in=project_ids)
                .values_list("division__path", "pk"))


def on_figures_may_change(sender: Any, *, using: str, objects: Iterable[Model] | None = None,
                          **kwargs: Any) -> None:
    projects = _division_paths(list(objects), using) if objects is not None else None
    if projects is None:
        bump(using)
    else:
        bump_divisions({path for path, _ in projects}, using, slices=projects)
