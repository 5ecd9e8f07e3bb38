"""Recording changes: called by every service function inside its own transaction."""

from __future__ import annotations

import contextlib
import functools
import json
from collections.abc import Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from django.db import DEFAULT_DB_ALIAS, connections, models, router
from django.utils import timezone

from taizhang.core.audit.models import AuditEvent
from taizhang.core.context import current
from taizhang.core.figures import announce_write
from taizhang.core.limits import audit_value_limit, capped


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


@functools.cache
def _attnames(model: type[models.Model]) -> dict[str, str]:
    """Field name → attribute name of a model's concrete fields, worked out once per model."""
    return {f.name: f.attname for f in model._meta.concrete_fields}


_AS_IS = frozenset({str, int, bool, type(None)})


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The concrete field values of `obj` as JSON-ready data (foreign keys as ids)."""
    attnames = _attnames(type(obj))
    names = attnames if fields is None else fields
    return {name: value if type(value := getattr(obj, attnames[name])) in _AS_IS
            else plain(value) for name in names}


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
    _announce_objects([obj])
    return _create_event(action, obj._meta.label_lower, str(obj.pk), str(obj), actor=actor,
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
    _announce([object_type])
    return _create_event(action, object_type, object_id, object_repr, actor=actor,
                         changes=changes, reason=reason)


def _create_event(action: str, object_type: str, object_id: str, object_repr: str, *,
                  actor: Any, changes: Mapping[str, Any] | None, reason: str) -> AuditEvent:
    ctx = current()
    return AuditEvent.objects.create(
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        actor=actor if getattr(actor, "pk", None) else None,
        source=ctx.source,
        request_id=ctx.request_id,
        # A value is kept up to a limit (core/limits.py), so no input fills the trail.
        changes=capped(dict(changes or {})),
        **_revert_fields(capped(reason)),
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
    # Rows as plain parameter tuples through one executemany: the same values
    # ``bulk_create`` would write, without a model instance and the ORM's per-value work for
    # each of the tens of thousands of events of a large import.
    fields = [cast("models.Field[Any, Any]", AuditEvent._meta.get_field(name))
              for name in _BULK_FIELDS]
    connection = connections[router.db_for_write(AuditEvent)]
    revert = _revert_fields(capped(reason))  # the reason, and the event a revert restores
    prep = {field.name: field.get_db_prep_save for field in fields}
    constant = [
        prep["at"](timezone.now(), connection),
        prep["actor"](actor_obj.pk if actor_obj is not None else None, connection),
        prep["action"](action, connection),
        prep["source"](ctx.source, connection),
        prep["request_id"](ctx.request_id, connection),
        prep["reason"](revert["reason"], connection),
        prep["reverts"](revert.get("reverts_id"), connection),
    ]
    postgresql = connection.vendor == "postgresql"
    changes_field = cast("models.JSONField[Any]", AuditEvent._meta.get_field("changes"))
    if connection.vendor in ("postgresql", "sqlite"):
        # The JSON text the field would write, with its Chinese unescaped (half the bytes:
        # an import writes tens of thousands of these).
        def encode(value: Any) -> Any:
            return json.dumps(value, cls=changes_field.encoder, ensure_ascii=False)
    else:
        def encode(value: Any) -> Any:
            return changes_field.get_db_prep_save(value, connection)
    changes = changes_for or {}
    limit = audit_value_limit()
    labels: dict[type, str] = {}
    rows: list[tuple[Any, ...]] = []
    for obj in objs:
        label = labels.get(type(obj))
        if label is None:
            label = labels[type(obj)] = obj._meta.label_lower
        pk = obj.pk
        kept = dict(changes.get(pk, {}))
        encoded = encode(kept)
        if len(encoded) > limit:  # else no text in it can be over the limit: kept whole
            encoded = encode(capped(kept, limit))
        rows.append((*constant, label, str(pk), str(obj)[:200], encoded))
    if not rows:
        return 0
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(str(field.column)) for field in fields)
    with connection.cursor() as cursor:
        if postgresql:
            # COPY: psycopg writes the rows in C; array or literal parameters would be
            # escaped value by value in Python.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            values = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({values})"  # noqa: S608
            for start in range(0, len(rows), 5000):
                cursor.executemany(sql, rows[start : start + 5000])
    return len(rows)


#: The columns ``record_many`` writes, in the order of its parameter tuples.
_BULK_FIELDS = ("at", "actor", "action", "source", "request_id", "reason", "reverts",
                "object_type", "object_id", "object_repr", "changes")


def _announce(object_types: Iterable[str],
              objects: Iterable[models.Model] | None = None) -> None:
    """Cached statistics must not outlive these writes (core/figures.py); same transaction."""
    announce_write(object_types, router.db_for_write(AuditEvent), objects)


def _announce_objects(objs: Iterable[models.Model]) -> list[models.Model]:
    objs = list(objs)
    _announce({obj._meta.label_lower for obj in objs}, objs)
    return objs


def last_write(using: str = DEFAULT_DB_ALIAS) -> str:
    """A token of the newest write recorded ("" before any): it moves with every audited
    write of every app (every write goes through a service that records it), so what is
    cached under it is never stale. One query on the primary key. It carries the event's
    time too: after a restore from a backup, the new events' ids repeat ids made after the
    backup, their times do not."""
    newest = (AuditEvent.objects.using(using).order_by("-pk").values_list("pk", "at").first())
    return "" if newest is None else f"{newest[0]}@{newest[1].isoformat()}"
