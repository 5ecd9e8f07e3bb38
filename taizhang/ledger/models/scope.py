"""Who may see and do what with projects: the ledger's scoping rules, all of them.

Projects and everything hanging off them (reports, plans, photos, stage changes, key-list
memberships), and which organizations, people and divisions a user may link to a project or
read by name. The building blocks are in accounts: "this division and everything below" is
`Division.subtree_q` / `Division.contains`, "acts for an office" is
`accounts.scope.acts_for_office`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from taizhang.accounts.choices import Role
from taizhang.accounts.models import OfficeSettings
from taizhang.accounts.scope import acts_for_office
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
    in_division = division.subtree_q(f"{prefix}division__")
    role = user.role
    if role == Role.OFFICE_ADMIN:
        return in_division
    if role == Role.BANK:
        return bank_project_q(user, action, prefix)
    # Owners, leaders and units are bound to their division too: an organization that also
    # owns (leads, is responsible for) a project in another county does not reach it from here.
    if role == Role.OWNER:
        if not user.organization_id or action not in (VIEW, REPORT):
            return NOTHING
        return in_division & Q(**{f"{prefix}owner_id": user.organization_id})
    if action != VIEW:
        return NOTHING
    if role == Role.VIEWER:
        return in_division
    settings = OfficeSettings.for_division(division)
    if role == Role.LEADER:
        if settings.leaders_see_all:
            return in_division
        if not user.person_id:
            return NOTHING
        return in_division & Q(**{f"{prefix}leader_id": user.person_id})
    if role == Role.UNIT_STAFF:
        if settings.units_see_all:
            return in_division
        if not user.organization_id:
            return NOTHING
        return in_division & Q(**{f"{prefix}responsible_unit_id": user.organization_id})
    return NOTHING


def bank_project_q(user: Any, action: str, prefix: str = "") -> Q:
    """A bank sees no project, and does nothing with one, today.

    Its own rule, not a fall-through: later issues publish projects' financing needs to banks,
    and that rule goes here (e.g. `VIEW` of what was published in the bank's division).
    """
    return NOTHING


# --- the organizations, people and divisions a project refers to ------------------------------
#
# Two questions, one answer each: which of them may an office *link* to a project (owner, unit,
# leader, township), and which may a user read *named* on a page (history, audit, previews).


def usable_organization_q(user: Any, prefix: str = "") -> Q:
    """Organizations `user` (an office) may name as a project's owner or responsible unit:
    placed in its division or below, or placed nowhere (reference data the superuser keeps).
    An enterprise of another county is refused, so a project never leaves the office's reach."""
    if user.is_superuser:
        return Q()
    if user.division is None:
        return NOTHING
    return Q(**{f"{prefix}division__isnull": True}) | user.division.subtree_q(f"{prefix}division__")


def usable_person_q(user: Any) -> Q:
    """People `user` (an office) may name as a leader in charge: their organization usable."""
    if user.is_superuser:
        return Q()
    return Q(organization__isnull=True) | usable_organization_q(user, "organization__")


def pickable_q(user: Any, model: Any) -> Q:
    """What an office may pick for a project's owner or unit (Organization), leader (Person)
    and township (Division): the rules `services.projects` enforces."""
    from taizhang.accounts.models import Division, Organization, Person

    if user.is_superuser:
        return Q()
    if model is Organization:
        return usable_organization_q(user)
    if model is Person:
        return usable_person_q(user)
    if model is Division and user.division is not None:
        return user.division.subtree_q()
    return NOTHING


def nameable_q(user: Any, model: Any) -> Q:
    """Objects of `model` (Project, Organization, Person, Division, OfficeSettings) `user` may
    read by name: those the projects of their view scope refer to, their own, and for an
    office what it may use. Anything else (another county's owner, a parent project of
    another company) stays unnamed on every page."""
    from taizhang.accounts.models import Division, Organization, Person
    from taizhang.ledger.models.project import Project

    if model is OfficeSettings:  # an office's own settings and those below it
        if user is None or not user.is_authenticated or not user.is_active:
            return NOTHING
        if user.is_superuser:
            return Q()
        return user.division.subtree_q("division__") if user.division else NOTHING
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return Q()
    visible = Project.objects.filter(project_scope_q(user, VIEW))
    if model is Project:
        return project_scope_q(user, VIEW)
    office = acts_for_office(user)
    if model is Organization:
        q = Q(projects__in=visible) | Q(unit_projects__in=visible)
        if user.organization_id:
            q |= Q(pk=user.organization_id)
        return q | usable_organization_q(user) if office else q
    if model is Person:
        q = Q(led_projects__in=visible)
        if user.person_id:
            q |= Q(pk=user.person_id)
        return q | usable_person_q(user) if office else q
    if model is Division:
        q = Q(projects__in=visible)
        if user.division_id:
            q |= user.division.subtree_q()
        return q
    return NOTHING


def nameable_ids(user: Any, model: Any, ids: Any) -> set[str]:
    """Which of `ids` (of `model`) `user` may read by name, as strings."""
    found = model._base_manager.filter(nameable_q(user, model), pk__in=list(ids))
    return {str(pk) for pk in found.values_list("pk", flat=True).distinct()}
