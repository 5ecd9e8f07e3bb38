"""Shared by the procedures' tests: a second department with its login, items by kind."""

from __future__ import annotations

from datetime import date

from taizhang.accounts.choices import OrganizationKind, Role
from taizhang.accounts.models import Organization, User
from taizhang.accounts.security.passwords import mark_password_as_chosen
from taizhang.core.services import UNCHECKED
from taizhang.procedures import services
from taizhang.procedures.choices import StandardKind
from taizhang.procedures.models import ProcedureItem


def department_user(world, name="frank", org_name="迁安市自然资源和规划局"):
    org = Organization.objects.create(kind=OrganizationKind.DEPARTMENT, name=org_name)
    user = User(username=name, role=Role.UNIT_STAFF, organization=org, division=world.county)
    user.set_password("pw-" + name)
    mark_password_as_chosen(user)
    user.save()
    return org, user


def item_of(project, code: str) -> ProcedureItem:
    return ProcedureItem.objects.get(project=project, kind__code=code)


def checklist(world, project, department=None) -> ProcedureItem:
    """The project's checklist opened; its construction permit assigned to `department`."""
    services.open_checklist(project, actor=world.office)
    item = item_of(project, StandardKind.CONSTRUCTION_PERMIT)
    if department is not None:
        item = services.update_item(
            item, actor=world.office, expected_version=UNCHECKED, department=department
        )
    return item


def day(text: str) -> date:
    return date.fromisoformat(text)
