"""Every write of the procedures: kinds, checklists, items, nodes, campaigns.

Each write checks who may act through the models' `scope_q` (`restrict(actor, "change")`),
runs in one transaction, carries the version its form was opened at (edits) and records an
audit event. The office changes everything of its division; an owner its own projects' items
and nodes; a department (a unit's login) the items assigned to it. Owners and departments only
move an item forward (start it, finish it); waiving or re-opening is the office's. Commands and
the demo loader act as nobody (`core.context.acting`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from taizhang.accounts.models import Division, Organization
from taizhang.accounts.scope import acts_for_office_of
from taizhang.core.audit.service import diff, record
from taizhang.core.context import unattended
from taizhang.core.limits import first_too_long
from taizhang.core.services import ServiceError, save_versioned
from taizhang.core.workdays import add_working_days
from taizhang.ledger.models import Project
from taizhang.procedures.choices import (
    FORWARD,
    STANDARD_ROWS,
    TRANSITIONS,
    ItemStatus,
    StandardKind,
)
from taizhang.procedures.models import (
    CHANGE,
    Campaign,
    Node,
    ProcedureItem,
    ProcedureKind,
    project_part_q,
)

ITEM_FIELDS = ("status", "department", "accepted_on", "deadline", "done_on", "note")
# What an owner or a department may change on an item; the rest is the office's.
OWN_FIELDS = frozenset({"status", "accepted_on", "done_on", "note"})


def _machine(actor: Any) -> bool:
    """A command, the scenario, or an import, acting as nobody."""
    return unattended(actor, also=("import",))


def require(actor: Any, obj: models.Model, action: str = CHANGE) -> None:
    """PermissionDenied unless `actor` may `action` on `obj` (or is a command)."""
    if _machine(actor):
        return
    if (
        actor is None
        or not type(obj)
        .objects.restrict(  # type: ignore[attr-defined]
            actor, action
        )
        .filter(pk=obj.pk)
        .exists()
    ):
        raise PermissionDenied


def _office_of(actor: Any, division: Division) -> None:
    if _machine(actor):
        return
    if not acts_for_office_of(actor, division):
        raise PermissionDenied


def _refuse_too_long(model: type[models.Model], values: dict[str, Any]) -> None:
    found = first_too_long(model, values)
    if found:
        raise ServiceError(found[1], field=found[0])


def standard_kinds() -> None:
    """The standard checklist's rows, made if missing (a database flushed after migrate:
    migration 0002 made them once)."""
    if ProcedureKind.objects.filter(code__in=StandardKind.values).count() == len(STANDARD_ROWS):
        return
    for code, name, order, days in STANDARD_ROWS:
        ProcedureKind.objects.get_or_create(
            code=code, defaults={"name": name, "order": order, "time_limit_days": days}
        )


def kinds_for(division: Division) -> models.QuerySet[ProcedureKind]:
    """The active kinds a project of `division` takes: the standard ones and its offices'."""
    return ProcedureKind.objects.filter(
        Q(division__isnull=True) | Q(division__code__in=division.lineage_codes()), active=True
    )


# --- kinds -------------------------------------------------------------------------------------


@transaction.atomic
def add_kind(
    division: Division,
    *,
    name: str,
    actor: Any,
    order: int = 100,
    time_limit_days: int | None = None,
) -> ProcedureKind:
    """An item the office adds to the checklist of its division's projects."""
    _office_of(actor, division)
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("Give the procedure a name."), field="name")
    _refuse_too_long(ProcedureKind, {"name": name})
    if kinds_for(division).filter(name=name).exists():
        raise ServiceError(_("The checklist already has a procedure of this name."), field="name")
    if time_limit_days is not None and not 1 <= time_limit_days <= 365:
        raise ServiceError(
            _("Give a time limit from 1 to 365 working days."), field="time_limit_days"
        )
    kind = ProcedureKind.objects.create(
        division=division, name=name, order=order, time_limit_days=time_limit_days
    )
    record(
        "procedure.kind_added",
        kind,
        actor=actor,
        changes={"name": [None, name], "time_limit_days": [None, time_limit_days]},
    )
    return kind


# --- checklists and items ----------------------------------------------------------------------


@transaction.atomic
def open_checklist(project: Project, *, actor: Any) -> list[ProcedureItem]:
    """The project's items of every kind it takes and does not have yet (the office's)."""
    _office_of(actor, project.division)
    standard_kinds()
    have = set(project.procedure_items.values_list("kind_id", flat=True))
    new = [
        ProcedureItem(project=project, kind=kind)
        for kind in kinds_for(project.division)
        if kind.pk not in have
    ]
    ProcedureItem.objects.bulk_create(new)
    if new:
        record(
            "procedure.checklist_opened",
            project,
            actor=actor,
            changes={"procedures": [None, [str(item.kind) for item in new]]},
        )
    return new


def _snapshot(item: ProcedureItem) -> dict[str, Any]:
    return {
        name: (str(getattr(item, name)) if getattr(item, name) is not None else None)
        for name in ITEM_FIELDS
    }


def is_office(actor: Any, item: ProcedureItem) -> bool:
    return _machine(actor) or acts_for_office_of(actor, item.project.division)


@transaction.atomic
def update_item(
    item: ProcedureItem,
    *,
    actor: Any,
    expected_version: Any,
    within_working_days: int | None = None,
    **changes: Any,
) -> ProcedureItem:
    """Change an item's fields (`ITEM_FIELDS`). A finished item needs its completion date;
    leaving `done` clears it. With an
    acceptance date, a deadline stated as ``within_working_days`` of acceptance (the office's)
    or, when none is given, the kind's time limit is counted on the Chinese calendar
    (core.workdays)."""
    require(actor, item)
    unknown = set(changes) - set(ITEM_FIELDS)
    if unknown:
        raise ValueError(f"not item fields: {sorted(unknown)}")
    item = (
        ProcedureItem.objects.select_for_update()
        .select_related("kind", "project__division")
        .get(pk=item.pk)
    )
    office = is_office(actor, item)
    if not office and (set(changes) - OWN_FIELDS or within_working_days is not None):
        raise PermissionDenied
    before = _snapshot(item)
    status = changes.get("status", item.status)
    if status not in ItemStatus.values:
        raise ServiceError(_("Choose one of the statuses."), field="status")
    if status != item.status:
        allowed = (TRANSITIONS if office else FORWARD).get(item.status, set())
        if status not in allowed:
            raise ServiceError(
                _("An item that is “%(from)s” cannot become “%(to)s” here.")
                % {"from": ItemStatus(item.status).label, "to": ItemStatus(status).label},
                field="status",
            )
    department = changes.get("department", item.department)
    if isinstance(department, Organization) and department.pk != item.department_id:
        if not (
            _machine(actor)
            or actor.is_superuser
            or department.division_id is None
            or actor.division.contains(department.division)
        ):
            raise ServiceError(_("Choose a department of your division."), field="department")
    for name in ("status", "accepted_on", "deadline", "done_on", "note"):
        if name in changes:
            setattr(item, name, changes[name] if name != "note" else (changes[name] or "").strip())
    item.department = department
    _refuse_too_long(ProcedureItem, {"note": item.note})
    if item.status == ItemStatus.DONE and item.done_on is None:
        raise ServiceError(_("Give the date the procedure was completed."), field="done_on")
    if item.status != ItemStatus.DONE:
        item.done_on = None
    if item.done_on and item.accepted_on and item.done_on < item.accepted_on:
        raise ServiceError(_("The completion date is before the acceptance date."), field="done_on")
    if within_working_days is not None:
        if item.accepted_on is None:
            raise ServiceError(
                _("Give the acceptance date the working days count from."), field="accepted_on"
            )
        if not 1 <= within_working_days <= 365:
            raise ServiceError(
                _("Give a time limit from 1 to 365 working days."), field="within_working_days"
            )
        item.deadline = add_working_days(item.accepted_on, within_working_days)
    elif item.deadline is None and item.accepted_on and item.kind.time_limit_days:
        item.deadline = add_working_days(item.accepted_on, item.kind.time_limit_days)
    save_versioned(item, expected_version, ITEM_FIELDS)
    changed = diff(before, _snapshot(item))
    if changed:
        record("procedure.item_updated", item, actor=actor, changes=changed)
    return item


# --- nodes -------------------------------------------------------------------------------------


def _check_node(name: str, planned_date: Any) -> str:
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("Say what the node is."), field="name")
    _refuse_too_long(Node, {"name": name})
    if not isinstance(planned_date, date):
        raise ServiceError(_("Give the node's planned date."), field="planned_date")
    return name


@transaction.atomic
def add_node(project: Project, *, name: str, planned_date: date, actor: Any) -> Node:
    _require_project_part(actor, project)
    name = _check_node(name, planned_date)
    node = Node.objects.create(project=project, name=name, planned_date=planned_date)
    record(
        "procedure.node_added",
        node,
        actor=actor,
        changes={"name": [None, name], "planned_date": [None, str(planned_date)]},
    )
    return node


def _require_project_part(actor: Any, project: Project) -> None:
    """A node of `project` may be added by whoever may change the project's parts."""
    if _machine(actor):
        return
    if (
        actor is None
        or not Project.objects.filter(
            project_part_q(actor, CHANGE, prefix=""), pk=project.pk
        ).exists()
    ):
        raise PermissionDenied


@transaction.atomic
def update_node(
    node: Node,
    *,
    name: str,
    planned_date: date,
    done_on: date | None,
    actor: Any,
    expected_version: Any,
) -> Node:
    require(actor, node)
    node = Node.objects.select_for_update().get(pk=node.pk)
    before = {
        "name": node.name,
        "planned_date": str(node.planned_date),
        "done_on": str(node.done_on) if node.done_on else None,
    }
    node.name = _check_node(name, planned_date)
    node.planned_date, node.done_on = planned_date, done_on
    save_versioned(node, expected_version, ("name", "planned_date", "done_on"))
    changed = diff(
        before,
        {
            "name": node.name,
            "planned_date": str(planned_date),
            "done_on": str(done_on) if done_on else None,
        },
    )
    if changed:
        record("procedure.node_updated", node, actor=actor, changes=changed)
    return node


# --- campaigns ---------------------------------------------------------------------------------


@transaction.atomic
def create_campaign(
    division: Division, *, name: str, start: date, end: date, actor: Any
) -> Campaign:
    _office_of(actor, division)
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("Give the campaign a name."), field="name")
    _refuse_too_long(Campaign, {"name": name})
    if end < start:
        raise ServiceError(_("The campaign ends before it starts."), field="end")
    campaign = Campaign.objects.create(division=division, name=name, start=start, end=end)
    record(
        "procedure.campaign_created",
        campaign,
        actor=actor,
        changes={"name": [None, name], "start": [None, str(start)], "end": [None, str(end)]},
    )
    return campaign


def may_run(actor: Any, campaign: Campaign) -> bool:
    """The office of the campaign's division (or above) sets its targets."""
    return Campaign.objects.restrict(actor, CHANGE).filter(pk=campaign.pk).exists()


@transaction.atomic
def add_targets(campaign: Campaign, items: Iterable[ProcedureItem], *, actor: Any) -> int:
    """Items the campaign sets out to finish: projects of its division only."""
    _office_of(actor, campaign.division)
    ids = [item.pk for item in items]
    inside = ProcedureItem.objects.filter(
        campaign.division.subtree_q("project__division__"), pk__in=ids
    )
    if inside.count() != len(set(ids)):
        raise ServiceError(_("A target item belongs to a project outside the campaign's division."))
    new = set(ids) - set(campaign.targets.values_list("pk", flat=True))
    campaign.targets.add(*new)
    if new:
        record(
            "procedure.campaign_targets",
            campaign,
            actor=actor,
            changes={"targets": [None, len(new)]},
        )
    return len(new)
