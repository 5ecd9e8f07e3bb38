"""Every write of land: the year's quota, a project's request, the allocation (key projects
first), the supply, and the consolidation / idle-land records.

The office of the quota's division does everything; a project's owner may also request land
for its own project. Each write checks the permission, the rule, writes and records its audit
event in one transaction; a form's edit carries the version it read (`save_versioned`).

The rules, refused with a translated ServiceError naming the field:

- the areas allocated from a quota never add up to more than the quota;
- a project is allocated no more than it requested, and supplied no more than allocated;
- key projects first: allocating to a project that is not on one of the year's key lists
  (rules.py) while a key project of the same quota still waits (asked for more than it got,
  nothing supplied) needs an explicit override reason, kept on the allocation and in the
  audit event.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from taizhang.accounts.choices import Role
from taizhang.accounts.models import Division
from taizhang.accounts.scope import acts_for_office_of
from taizhang.core.audit.service import record
from taizhang.core.context import unattended
from taizhang.core.services import ServiceError, save_versioned
from taizhang.land.choices import AllocationStatus, ConsolidationKind, ConsolidationStatus
from taizhang.land.models import ZERO, Allocation, ConsolidationRecord, LandQuota
from taizhang.land.rules import is_key, waiting_key
from taizhang.ledger.models import Project
from taizhang.ledger.models.scope import project_scope_q

MAX_AREA = Decimal("9999999999.99")  # the columns' 12 digits
CENT = Decimal("0.01")


def _office_of(actor: Any, division: Division) -> None:
    """Only the office of `division` (or above; the superuser) writes its land."""
    if unattended(actor):
        return
    if not acts_for_office_of(actor, division):
        raise PermissionDenied


def _area(value: Any, field: str, *, positive: bool = True) -> Decimal:
    try:
        area = Decimal(value)
    except (ArithmeticError, TypeError, ValueError):
        raise ServiceError(_("Give the area in 亩."), field=field) from None
    if not area.is_finite() or area != area.quantize(CENT) or area > MAX_AREA:
        raise ServiceError(_("Give the area in 亩 with at most two decimals."), field=field)
    if area < 0 or (positive and area == 0):
        raise ServiceError(_("The area must be more than zero."), field=field)
    return area.quantize(CENT)


def allocated_total(quota: LandQuota) -> Decimal:
    return (quota.allocations.aggregate(s=Sum("allocated"))["s"] or ZERO).quantize(CENT)


def _status(allocation: Allocation) -> str:
    if allocation.allocated == 0:
        return AllocationStatus.REQUESTED
    if allocation.supplied >= allocation.allocated:
        return AllocationStatus.SUPPLIED
    return AllocationStatus.ALLOCATED


def _locked(quota: LandQuota) -> LandQuota:
    """The quota row locked: allocations from one quota are decided one at a time."""
    return LandQuota.objects.select_for_update().get(pk=quota.pk)


# --- the quota ---------------------------------------------------------------------------------

@transaction.atomic
def set_quota(division: Division, year: int, quota: Any, *, actor: Any, note: str = "",
              expected_version: Any = None) -> LandQuota:
    """Create the division's quota for the year, or change it (with the version read)."""
    _office_of(actor, division)
    area = _area(quota, "quota", positive=False)
    found = LandQuota.objects.select_for_update().filter(division=division, year=year).first()
    if found is None:
        created = LandQuota.objects.create(division=division, year=year, quota=area,
                                           note=(note or "").strip())
        record("land.quota_set", created, actor=actor,
               changes={"quota": [None, str(area)], "year": [None, year]})
        return created
    used = allocated_total(found)
    if area < used:
        raise ServiceError(_("%(used)s 亩 of this quota are allocated already: the quota cannot "
                             "be less.") % {"used": used}, field="quota")
    before = found.quota
    found.quota = area
    found.note = (note or "").strip()
    save_versioned(found, expected_version, ("quota", "note"))
    record("land.quota_set", found, actor=actor, changes={"quota": [str(before), str(area)]})
    return found


# --- requests, allocation, supply --------------------------------------------------------------

def _may_request(actor: Any, quota: LandQuota, project: Project) -> None:
    if unattended(actor):
        return
    if getattr(actor, "role", None) == Role.OWNER and not getattr(actor, "is_superuser", False):
        if not Project.objects.filter(project_scope_q(actor, "report"), pk=project.pk).exists():
            raise PermissionDenied
        return
    _office_of(actor, quota.division)


@transaction.atomic
def request_land(quota: LandQuota, project: Project, requested: Any, *, actor: Any,
                 on: date) -> Allocation:
    """A project asks for land from the quota of its division (one request per year)."""
    _may_request(actor, quota, project)
    if not quota.division.contains(project.division):
        raise ServiceError(_("This project is not in the quota's division."), field="project")
    area = _area(requested, "requested")
    if Allocation.objects.filter(quota=quota, project=project).exists():
        raise ServiceError(_("This project has requested land from this quota already."),
                           field="project")
    allocation = Allocation.objects.create(
        quota=quota, project=project, requested=area, requested_on=on,
        requested_by=actor if getattr(actor, "pk", None) else None)
    record("land.requested", allocation, actor=actor, changes={
        "project": [None, project.name], "requested": [None, str(area)]})
    return allocation


def override_needed(allocation: Allocation) -> int:
    """How many key projects of the allocation's quota wait, if the allocation's project is
    not key itself (else 0): allocating to it then needs an override reason."""
    if is_key(allocation.project_id, allocation.quota):
        return 0
    return waiting_key(allocation.quota, besides=allocation.pk).count()


@transaction.atomic
def allocate(allocation: Allocation, area: Any, *, actor: Any, on: date,
             expected_version: Any, override_reason: str = "") -> Allocation:
    """Allocate `area` 亩 more to a request, within the request and the quota; key projects
    first unless `override_reason` says why not."""
    quota = _locked(allocation.quota)
    _office_of(actor, quota.division)
    amount = _area(area, "area")
    if allocation.allocated + amount > allocation.requested:
        raise ServiceError(
            _("The project requested %(requested)s 亩 and has %(allocated)s 亩: at most "
              "%(left)s 亩 more can be allocated.")
            % {"requested": allocation.requested, "allocated": allocation.allocated,
               "left": allocation.requested - allocation.allocated}, field="area")
    used = allocated_total(quota)
    if used + amount > quota.quota:
        raise ServiceError(
            _("The quota is %(quota)s 亩 and %(used)s 亩 are allocated: only %(left)s 亩 "
              "remain.") % {"quota": quota.quota, "used": used, "left": quota.quota - used},
            field="area")
    reason = (override_reason or "").strip()
    allocation.quota = quota
    waiting = override_needed(allocation)
    if waiting and not reason:
        raise ServiceError(ngettext(
            "%(n)s key project of this quota is still waiting for land: allocating to a "
            "project that is not key for this quota needs an override reason.",
            "%(n)s key projects of this quota are still waiting for land: allocating to a "
            "project that is not key for this quota needs an override reason.", waiting)
            % {"n": waiting}, field="override_reason")
    before = allocation.allocated
    allocation.allocated = before + amount
    allocation.allocated_on = on
    if waiting:
        allocation.override_reason = reason
    allocation.status = _status(allocation)
    save_versioned(allocation, expected_version,
                   ("allocated", "allocated_on", "status", "override_reason"))
    changes: dict[str, Any] = {"allocated": [str(before), str(allocation.allocated)]}
    if waiting:
        changes["override_reason"] = ["", reason]
    record("land.allocated", allocation, actor=actor, changes=changes,
           reason=reason if waiting else "")
    return allocation


@transaction.atomic
def record_supply(allocation: Allocation, area: Any, *, actor: Any, on: date,
                  expected_version: Any) -> Allocation:
    """Record `area` 亩 more supplied (供地) of what was allocated."""
    _office_of(actor, allocation.quota.division)
    amount = _area(area, "area")
    if allocation.supplied + amount > allocation.allocated:
        raise ServiceError(
            _("%(allocated)s 亩 are allocated and %(supplied)s 亩 supplied: at most %(left)s 亩 "
              "more can be supplied.")
            % {"allocated": allocation.allocated, "supplied": allocation.supplied,
               "left": allocation.allocated - allocation.supplied}, field="area")
    before = allocation.supplied
    allocation.supplied = before + amount
    allocation.supplied_on = on
    allocation.status = _status(allocation)
    save_versioned(allocation, expected_version, ("supplied", "supplied_on", "status"))
    record("land.supplied", allocation, actor=actor,
           changes={"supplied": [str(before), str(allocation.supplied)]})
    return allocation


# --- consolidation and idle land ---------------------------------------------------------------

@transaction.atomic
def save_consolidation(*, actor: Any, division: Division, kind: str, name: str, area: Any,
                       date: date, location: str = "",
                       status: str = ConsolidationStatus.PLANNED,
                       projects: Iterable[Project] = (), note: str = "",
                       instance: ConsolidationRecord | None = None,
                       expected_version: Any = None) -> ConsolidationRecord:
    """Record land consolidated or idle land revitalised (or change such a record)."""
    division = instance.division if instance is not None else division
    _office_of(actor, division)
    if kind not in ConsolidationKind.values:
        raise ServiceError(_("Choose the kind of record."), field="kind")
    if status not in ConsolidationStatus.values:
        raise ServiceError(_("Choose the status."), field="status")
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("Write the name."), field="name")
    amount = _area(area, "area")
    projects = list(projects)
    for project in projects:
        if not division.contains(project.division):
            raise ServiceError(_("“%(name)s” is not in this division.") % {"name": project.name},
                               field="projects")
    values = {"kind": kind, "name": name, "location": (location or "").strip(), "area": amount,
              "status": status, "date": date, "note": (note or "").strip()}
    if instance is None:
        instance = ConsolidationRecord.objects.create(division=division, **values)
        instance.projects.set(projects)
        record("land.consolidation_recorded", instance, actor=actor,
               changes={key: [None, str(value)] for key, value in values.items()})
        return instance
    changes: dict[str, Any] = {key: [str(getattr(instance, key)), str(value)]
                               for key, value in values.items() if getattr(instance, key) != value}
    for key, value in values.items():
        setattr(instance, key, value)
    save_versioned(instance, expected_version, tuple(values))
    old = sorted(p.name for p in instance.projects.all())
    instance.projects.set(projects)
    new = sorted(p.name for p in projects)
    if old != new:
        changes["projects"] = [old, new]
    record("land.consolidation_changed", instance, actor=actor, changes=changes)
    return instance
