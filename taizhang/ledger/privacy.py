"""Personal data on a need-to-know basis (个人信息保护法: minimisation).

One place decides who reads people's names and phone numbers; every page, history and export
asks here (`docs/permissions.md`, "Personal data"):

- a project's contact (name and phone): the office, and the owner, leader in charge and
  responsible unit *of that project* (they work with the contact). A viewer, a bank, and a
  leader or unit reading other projects through "see all" get neither.
- who did something (actors in histories, "changed by", "submitted by", reviewers): names for
  the office, of the people of its division; everyone else reads the actor's role instead
  ("Project owner"), except their own name.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from taizhang.accounts.choices import Role
from taizhang.accounts.scope import acts_for_office


def sees_people(viewer: Any) -> bool:
    """Office admins (placed in a division) and the superuser read who did what."""
    return acts_for_office(viewer)


def sees_contact(viewer: Any, project: Any) -> bool:
    """The project's contact name and phone: the office and those who work on this project."""
    if sees_people(viewer):
        return True
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return False
    role = viewer.role
    if role == Role.OWNER:
        return bool(viewer.organization_id) and project.owner_id == viewer.organization_id
    if role == Role.LEADER:
        return bool(viewer.person_id) and project.leader_id == viewer.person_id
    if role == Role.UNIT_STAFF:
        return bool(viewer.organization_id) and (
            project.responsible_unit_id == viewer.organization_id)
    return False


def actor_label(viewer: Any, actor: Any) -> str:
    """How `viewer` reads the person who acted: a name, or only the actor's role."""
    if actor is None:
        return _("system")
    if actor.pk == getattr(viewer, "pk", None) or (
            sees_people(viewer) and _of_division(viewer, actor)):
        return str(actor.display_name)
    if actor.is_superuser:
        return _("Administrator")
    return str(actor.get_role_display())


def _of_division(viewer: Any, actor: Any) -> bool:
    """An office reads the names of its division's people (the superuser everyone's)."""
    if viewer.is_superuser:
        return True
    return bool(viewer.division is not None and viewer.division.contains(actor.division))
