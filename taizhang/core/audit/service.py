"""Recording changes: called by every service function inside its own transaction."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models, router

from taizhang.core.audit.models import AuditEvent
from taizhang.core.context import current
from taizhang.core.figures import announce_write


@dataclass(frozen=True)
class _Revert:
    event_id: int
    reason: str


_reverting: ContextVar[_Revert | None] = ContextVar("taizhang_reverting", default=None)


@contextlib.contextmanager
def reverting(event: AuditEvent, reason: str) -> Iterator[None]:
    """Every event recorded inside names `event` as the version it restores, with `reason`."""
    token = _reverting.set(_Revert(event.pk, reason))
    try:
        yield
    finally:
        _reverting.reset(token)


def _revert_fields(reason: str) -> dict[str, Any]:
    revert = _reverting.get()
    if revert is None:
        return {"reason": reason}
    return {"reason": reason or revert.reason, "reverts_id": revert.event_id}


def plain(value: Any) -> Any:
    """A value as the audit trail stores it: ids for related objects, text for amounts."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The concrete field values of `obj` as JSON-ready data (foreign keys as ids)."""
    concrete = {f.name: f for f in obj._meta.concrete_fields}
    names = fields or list(concrete)
    return {name: plain(getattr(obj, concrete[name].attname)) for name in names}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Field → [before, after] for the fields whose value changed."""
    return {
        key: [before.get(key), after.get(key)]
        for key in after
        if before.get(key) != after.get(key)
    }


def record(
    action: str,
    obj: models.Model,
    *,
    actor: Any,
    changes: Mapping[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    return record_event(action, obj._meta.label_lower, str(obj.pk), str(obj), actor=actor,
                        changes=changes, reason=reason)


def record_event(
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    *,
    actor: Any,
    changes: Mapping[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """`record` for events about no single model row (audit exports, purges)."""
    ctx = current()
    _announce([object_type])
    return AuditEvent.objects.create(
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        actor=actor if getattr(actor, "pk", None) else None,
        source=ctx.source,
        request_id=ctx.request_id,
        changes=dict(changes or {}),
        **_revert_fields(reason),
    )


def record_many(
    action: str,
    objs: Iterable[models.Model],
    *,
    actor: Any,
    changes_for: Mapping[Any, Mapping[str, Any]] | None = None,
    reason: str = "",
) -> int:
    """Bulk variant for imports: one INSERT for many records."""
    ctx = current()
    objs = _announce_objects(objs)
    actor_obj = actor if getattr(actor, "pk", None) else None
    rows = [
        AuditEvent(
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            object_repr=str(obj)[:200],
            actor=actor_obj,
            source=ctx.source,
            request_id=ctx.request_id,
            changes=dict((changes_for or {}).get(obj.pk, {})),
            **_revert_fields(reason),
        )
        for obj in objs
    ]
    AuditEvent.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _announce(object_types: Iterable[str]) -> None:
    """Cached statistics must not outlive these writes (core/figures.py); same transaction."""
    announce_write(object_types, router.db_for_write(AuditEvent))


def _announce_objects(objs: Iterable[models.Model]) -> list[models.Model]:
    objs = list(objs)
    _announce({obj._meta.label_lower for obj in objs})
    return objs
