"""Who may see and do what with projects: the single source of the scoping rules."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from taizhang.accounts.choices import Role
from taizhang.accounts.models import OfficeSettings
from taizhang.core.scoping import NOTHING

# Actions on a project and the objects hanging off it.
VIEW = "view"
REPORT = "report"  # fill and submit monthly reports
CHANGE = "change"  # edit the ledger card, stages, plans, lists
REVIEW = "review"  # approve or return monthly reports


def project_scope_q(user: Any, action: str, prefix: str = "") -> Q:
    """Q over projects (through `prefix`, e.g. "project__") that `user` may `action`."""
    if user.is_superuser:
        return Q()
    division = user.division
    if division is None:
        return NOTHING  # an account not yet placed in a division sees nothing
    in_division = Q(**{f"{prefix}division__path__startswith": division.path})
    role = user.role
    if role == Role.OFFICE_ADMIN:
        return in_division
    if role == Role.OWNER:
        if not user.organization_id or action not in (VIEW, REPORT):
            return NOTHING
        return Q(**{f"{prefix}owner_id": user.organization_id})
    if action != VIEW:
        return NOTHING
    if role == Role.VIEWER:
        return in_division
    settings = OfficeSettings.for_division(division)
    if role == Role.LEADER:
        if settings.leaders_see_all:
            return in_division
        return Q(**{f"{prefix}leader_id": user.person_id}) if user.person_id else NOTHING
    if role == Role.UNIT_STAFF:
        if settings.units_see_all:
            return in_division
        if not user.organization_id:
            return NOTHING
        return Q(**{f"{prefix}responsible_unit_id": user.organization_id})
    return NOTHING
