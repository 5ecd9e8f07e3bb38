"""Revert an object to a version from its audit trail, through its app's service function.

A version is an audit event: reverting to it restores the values the object had right after
it, for the fields changed since. What may be restored, who may revert, when the object's state
allows it and which service writes the edit are its app's (`Reverter`, declared with its
history kind in `<app>/registrations.py`), so permission, validation, optimistic locking and
audit apply as for any edit, and every event the edit records names the restored version
(`AuditEvent.reverts`).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from taizhang.core.audit.history import last_values, model_field, narrowed, same, values_after
from taizhang.core.audit.models import AuditEvent
from taizhang.core.audit.service import reverting, snapshot
from taizhang.core.limits import first_too_long, truncated_length
from taizhang.core.registry import Reverter, registry
from taizhang.core.services import ConcurrentEdit, ServiceError


def _python_value(model: type[Model], name: str, stored: Any) -> Any:
    f = model_field(model, name)
    if f is None or stored is None:
        return stored
    if f.is_relation and f.related_model is not None:
        found = f.related_model._base_manager.filter(pk=stored).first()  # type: ignore[union-attr]
        if found is None:
            raise ServiceError(
                _("“%(field)s” of that version no longer exists; it cannot be restored.")
                % {"field": f.verbose_name}, field=name)
        return found
    return f.to_python(stored)


def _reverter(model: type[Model]) -> Reverter:
    found = registry.reverter_of(model)
    if found is None:
        raise ServiceError(_("This kind of record cannot be reverted."))
    return found


def planned_changes(obj: Model, version: AuditEvent) -> dict[str, Any]:
    """Stored values the revert would write (only fields it may restore and that differ)."""
    fields = _reverter(type(obj)).fields
    events = narrowed(AuditEvent.objects.about(obj).order_by("at", "id"), obj)
    target = values_after(events, version)
    current = snapshot(obj, [name for name in target if name in fields])
    recorded = last_values(events)
    drifted = [name for name in current
               if name in recorded and not same(current[name], recorded[name])]
    if drifted:
        raise ServiceError(_(
            "This record was changed outside its recorded history (%(fields)s); it cannot be "
            "reverted safely.") % {"fields": ", ".join(drifted)})
    changes = {name: target[name] for name in current if not same(current[name], target[name])}
    model = type(obj)
    cut = [str(getattr(model_field(model, name), "verbose_name", name))
           for name, value in changes.items() if truncated_length(value) is not None]
    if cut:
        raise ServiceError(_(
            "That version's %(fields)s was too long to keep whole in the history; it cannot be "
            "restored.") % {"fields": ", ".join(cut)})
    return changes


@transaction.atomic
def revert_to(obj: Model, version: AuditEvent, *, actor: Any, reason: str,
              seen_latest: int | None) -> Model:
    """Restore `obj` to `version`; refused if its history grew since `seen_latest` was read."""
    model = type(obj)
    reverter = _reverter(model)
    reverter.permitted(actor, obj)
    if not reason.strip():
        raise ServiceError(_("Give a reason for the revert."), field="reason")
    over = first_too_long(AuditEvent, {"reason": reason.strip()})
    if over:
        raise ServiceError(over[1], field="reason")
    obj = model._base_manager.select_for_update().get(pk=obj.pk)
    history = AuditEvent.objects.about(obj)  # an import's event on its project included
    if not history.filter(pk=version.pk).exists():
        raise ServiceError(_("That version belongs to another record."))
    latest = history.order_by("-at", "-id").first()
    if latest is None or latest.pk != seen_latest:
        raise ConcurrentEdit()
    if latest.pk == version.pk:
        raise ServiceError(_("That is the current version; there is nothing to revert."))
    reverter.ready(obj)
    stored = planned_changes(obj, version)
    if not stored:
        raise ServiceError(_(
            "Nothing a revert can restore differs from that version (stages and report "
            "status change only through their own workflow)."))
    values = {name: _python_value(model, name, value) for name, value in stored.items()}
    with reverting(version, reason.strip()):
        return reverter.apply(obj, values, actor)
