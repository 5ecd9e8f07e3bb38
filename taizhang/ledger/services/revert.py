"""Revert an object to a version from its audit trail, through the normal service functions.

A version is an audit event (about the object: `AuditEvent.objects.about`, an import's event on
its project included): reverting to it restores the values the object had right after
it, for the fields changed since. The edit goes through `update_project`, `set_annual_plan` or
`save_report`, so permission, validation, optimistic locking and audit apply as for any edit,
and every event it records names the restored version (`AuditEvent.reverts`).

Not restored by a revert: a project's stage and actual dates (a stage change has its own rules
and reason), a report's status (the report workflow decides it: an approved or submitted report
must be reopened or returned first, then reviewed again after the revert).
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
from taizhang.core.periods import Period
from taizhang.core.services import ConcurrentEdit, ServiceError
from taizhang.ledger.choices import ReportStatus
from taizhang.ledger.models import AnnualPlan, MonthlyReport, Project
from taizhang.ledger.services.common import require_office, require_project
from taizhang.ledger.services.plans import _PLAN_FIELDS, set_annual_plan
from taizhang.ledger.services.projects import EDITABLE_FIELDS, update_project
from taizhang.ledger.services.reports import CONTENT_FIELDS, save_report

REVERTIBLE: dict[type[Model], tuple[str, ...]] = {
    Project: EDITABLE_FIELDS,
    AnnualPlan: tuple(_PLAN_FIELDS),
    MonthlyReport: CONTENT_FIELDS,
}


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


def planned_changes(obj: Model, version: AuditEvent) -> dict[str, Any]:
    """Stored values the revert would write (only fields it may restore and that differ)."""
    model = type(obj)
    fields = REVERTIBLE[model]
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
    require_office(actor)
    model = type(obj)
    if model not in REVERTIBLE:
        raise ServiceError(_("This kind of record cannot be reverted."))
    if not reason.strip():
        raise ServiceError(_("Give a reason for the revert."), field="reason")
    over = first_too_long(AuditEvent, {"reason": reason.strip()})
    if over:
        raise ServiceError(over[1], field="reason")
    obj = model._base_manager.select_for_update().get(pk=obj.pk)
    project = obj if isinstance(obj, Project) else obj.project  # type: ignore[attr-defined]
    require_project(actor, project, "change")
    history = AuditEvent.objects.about(obj)
    if not history.filter(pk=version.pk).exists():
        raise ServiceError(_("That version belongs to another record."))
    latest = history.order_by("-at", "-id").first()
    if latest is None or latest.pk != seen_latest:
        raise ConcurrentEdit()
    if latest.pk == version.pk:
        raise ServiceError(_("That is the current version; there is nothing to revert."))
    if isinstance(obj, MonthlyReport) and obj.status not in (ReportStatus.DRAFT,
                                                              ReportStatus.RETURNED):
        raise ServiceError(_(
            "This report is %(status)s. Reopen or return it first (with a reason); after the "
            "revert it goes through review again.") % {"status": obj.get_status_display()})
    stored = planned_changes(obj, version)
    if not stored:
        raise ServiceError(_(
            "Nothing a revert can restore differs from that version (stages and report "
            "status change only through their own workflow)."))
    values = {name: _python_value(model, name, value) for name, value in stored.items()}
    with reverting(version, reason.strip()):
        if isinstance(obj, Project):
            return update_project(obj, actor=actor, expected_version=obj.version,
                                  changes=values)
        if isinstance(obj, AnnualPlan):
            current = {name: getattr(obj, name) for name in _PLAN_FIELDS}
            return set_annual_plan(obj.project, obj.year, actor=actor,
                                   expected_version=obj.version, **{**current, **values})
        assert isinstance(obj, MonthlyReport)
        data = {name: getattr(obj, name) for name in CONTENT_FIELDS}
        return save_report(obj.project, Period.of(obj.period), actor=actor,
                           data={**data, **values}, expected_version=obj.version)
