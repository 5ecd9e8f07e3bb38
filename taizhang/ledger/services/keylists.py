from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from taizhang.core.audit.service import record
from taizhang.core.services import ServiceError
from taizhang.ledger.choices import MembershipStatus
from taizhang.ledger.models import KeyList, KeyListMembership, Project
from taizhang.ledger.services.common import require_office, require_project


def get_or_create_list(level: str, kind: str, year: int, *, actor: Any) -> KeyList:
    require_office(actor)
    key_list, created = KeyList.objects.get_or_create(level=level, kind=kind, year=year)
    if created:
        record("keylist.created", key_list, actor=actor,
               changes={"level": [None, level], "kind": [None, kind], "year": [None, year]})
    return key_list


@transaction.atomic
def apply_for_list(
    project: Project, key_list: KeyList, *, actor: Any, applied_on: date
) -> KeyListMembership:
    """Put a project forward for a list; an office decides later."""
    require_project(actor, project, "change")
    membership, created = KeyListMembership.objects.get_or_create(
        project=project, key_list=key_list,
        defaults={"status": MembershipStatus.APPLIED, "applied_on": applied_on},
    )
    if not created and membership.status != MembershipStatus.REJECTED:
        raise ServiceError(_("This project is already on or applying for this list."))
    if not created:
        membership.status = MembershipStatus.APPLIED
        membership.applied_on = applied_on
        membership.decided_on = None
        membership.save(update_fields=["status", "applied_on", "decided_on"])
    record("keylist.applied", membership, actor=actor,
           changes={"status": [None, MembershipStatus.APPLIED], "applied_on": [None, applied_on]})
    return membership


@transaction.atomic
def decide_membership(
    membership: KeyListMembership, status: str, *, actor: Any, decided_on: date
) -> KeyListMembership:
    require_project(actor, membership.project, "change")
    if status not in (MembershipStatus.APPROVED, MembershipStatus.REJECTED):
        raise ServiceError(_("A decision is either approved or rejected."), field="status")
    if membership.status != MembershipStatus.APPLIED:
        raise ServiceError(_("Only a pending application can be decided."))
    if membership.applied_on and decided_on < membership.applied_on:
        raise ServiceError(_("The decision cannot come before the application."),
                           field="decided_on")
    before = membership.status
    membership.status = status
    membership.decided_on = decided_on
    membership.save(update_fields=["status", "decided_on"])
    record("keylist.decided", membership, actor=actor,
           changes={"status": [before, status], "decided_on": [None, decided_on]})
    return membership


@transaction.atomic
def enlist(
    project: Project, key_list: KeyList, *, actor: Any, applied_on: date, decided_on: date
) -> KeyListMembership:
    """Record a membership already decided elsewhere (imports, the published list)."""
    membership = apply_for_list(project, key_list, actor=actor, applied_on=applied_on)
    return decide_membership(membership, MembershipStatus.APPROVED, actor=actor,
                             decided_on=decided_on)


@transaction.atomic
def create_list(level: str, kind: str, year: int, *, actor: Any, name: str = "") -> KeyList:
    """A new list of a year (the office's page); one of each level and kind per year."""
    from taizhang.ledger.choices import ListKind, ListLevel

    require_office(actor)
    if level not in ListLevel.values:
        raise ServiceError(_("Choose the list's level."), field="level")
    if kind not in ListKind.values:
        raise ServiceError(_("Choose the list's kind."), field="kind")
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ServiceError(_("Give the year, e.g. 2022."), field="year")
    if KeyList.objects.filter(level=level, kind=kind, year=year).exists():
        raise ServiceError(_("This list exists already for that year."), field="kind")
    key_list = KeyList.objects.create(level=level, kind=kind, year=year, name=name.strip())
    record("keylist.created", key_list, actor=actor,
           changes={"level": [None, level], "kind": [None, kind], "year": [None, year],
                    **({"name": [None, key_list.name]} if key_list.name else {})})
    return key_list
