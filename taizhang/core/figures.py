"""The data version's trigger: a write that may change the ledger's figures says so here.

Cached statistics (taizhang/stats/cache.py) are keyed by a version row that must change in
the same transaction as every such write. The one place every ledger write passes through is
the audit service, so it calls `announce_write` for each event it records; the bulk loaders
that write rows without events (the generator, the scenario loader) bump the version
themselves. The statistics app listens to `figures_may_change` and bumps the version in the
writer's transaction (taizhang/stats/version.py).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from contextvars import ContextVar

from django.db.models import Model
from django.dispatch import Signal

from taizhang.core.registry import registry

# Sent with `using` (the database alias written to) and `objects` (the rows written, or None
# when not known), inside the writer's transaction.
figures_may_change = Signal()

# Inside `announced_once`: what is held back, by database alias (None: anything may change).
_held: ContextVar[dict[str, list[Model] | None] | None] = ContextVar(
    "taizhang_figures_held", default=None)


def may_change_figures(object_type: str) -> bool:
    """Whether writes to `object_type` (app label + model) may change figures: each app
    declares its types (`registry.figures`, `registry.audited(..., changes_figures=True)` in
    `<app>/registrations.py`): every ledger model, and the divisions, organizations and people
    projects join to, and the office settings. Not users (`accounts.user`: logins, logouts,
    exports, password changes): a user shapes only the scope, which is part of every cache key
    already, so those events, many a day, leave the cache alone."""
    return registry.changes_figures(object_type)


def announce_write(object_types: Iterable[str], using: str,
                   objects: Iterable[Model] | None = None) -> None:
    """Tell the listeners, once, if any of `object_types` may change figures.

    With `objects` (the rows written, of those types) the listeners may narrow what changed
    (the statistics: to the divisions of their projects); without, anything may have."""
    if not any(may_change_figures(object_type) for object_type in object_types):
        return
    if objects is not None:
        objects = [obj for obj in objects if may_change_figures(obj._meta.label_lower)]
    held = _held.get()
    if held is None:
        figures_may_change.send(sender=None, using=using, objects=objects)
    elif objects is None:
        held[using] = None
    else:
        kept = held.setdefault(using, [])
        if kept is not None:  # None: anything may change already
            kept.extend(objects)


@contextlib.contextmanager
def announced_once() -> Iterator[None]:
    """Hold back every `announce_write` inside the block and announce them together when it
    ends without an error, so a loader writing thousands of rows in one transaction moves
    each version once, not once per row (the Qian'an scenario made 5,700 announcements, a
    tenth of its load). Use it inside the writer's transaction, and read no cached figure
    (stats/cache.py) inside: the versions move only at the end. Nested, it joins the
    outer block."""
    if _held.get() is not None:
        yield
        return
    held: dict[str, list[Model] | None] = {}
    token = _held.set(held)
    try:
        yield
    finally:
        _held.reset(token)
    for using, objects in held.items():
        figures_may_change.send(sender=None, using=using, objects=objects)
