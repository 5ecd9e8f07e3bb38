"""What accounts declares to the core (core/registry.py): its events, audited types and
their history pages, the restore guard's tables and the menu's locked-accounts page."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from taizhang.core.registry import HistoryKind, MenuItem, model_labels, registry

registry.events({
    "user.created": _("User created"),
    "user.updated": _("User changed"),
    "user.deleted": _("User deleted"),
    "user.password_changed": _("Password set by an administrator"),
    "group.created": _("Group created"),
    "group.updated": _("Group changed"),
    "group.deleted": _("Group deleted"),
    "organization.created": _("Organization created"),
    "organization.updated": _("Organization changed"),
    "organization.deleted": _("Organization deleted"),
    "person.created": _("Person created"),
    "person.updated": _("Person changed"),
    "person.deleted": _("Person deleted"),
    "division.created": _("Division created"),
    "division.updated": _("Division changed"),
    "division.deleted": _("Division deleted"),
    "officesettings.created": _("Office settings created"),
    "officesettings.updated": _("Office settings changed"),
    "officesettings.deleted": _("Office settings deleted"),
    # Login and sessions (accounts/security/).
    "auth.login": _("Logged in"),
    "auth.logout": _("Logged out"),
    "auth.session_expired": _("Logged out after inactivity"),
    "auth.login_failed": _("Failed login"),
    "auth.locked_out": _("Account locked after failed logins"),
    "auth.unlocked": _("Account unlocked"),
    "auth.address_unlocked": _("Network address allowed again"),
    "auth.password_changed": _("Password changed"),
    "auth.totp_enabled": _("Second factor switched on"),
    "auth.totp_disabled": _("Second factor switched off"),
    "auth.totp_code_reused": _("Second-factor code used again"),
    "auth.permission_denied": _("Access refused"),
})

registry.change_keys({
    "groups": _("groups"),
    "user_permissions": _("user permissions"),
    "password": _("password"),
})

# Users are not figure types: a user shapes only the scope, part of every cache key already.
registry.audited("accounts.user", _("user"), history="user")
# Projects join to these: a change may change a filtered figure (core/figures.py).
registry.audited("accounts.organization", _("organization"), history="organization",
                 changes_figures=True)
registry.audited("accounts.person", _("person"), history="person", changes_figures=True)
registry.audited("accounts.division", _("division"), history="division", changes_figures=True)
registry.audited("accounts.officesettings", _("office settings"), history="settings",
                 changes_figures=True)
registry.audited("auth.group", _("group"),
                 not_browsable="a group's changes are read in the audit trail and export")
registry.audited("accounts.loginfailure", _("failed login"),
                 not_browsable="an address allowed again is an event, not a record with versions")


def _find_account(model_label: str) -> Any:
    def find(user: Any, pk: int) -> models.Model | None:
        """Superusers see all; a user's own account, and the users an office admin manages;
        organizations, people, divisions and office settings: office admins, those they may
        read by name (their division's, and what their projects refer to)."""
        from django.apps import apps

        from taizhang.accounts.models import User
        from taizhang.accounts.scope import manages_account

        model = apps.get_model(model_label)
        found = model._base_manager.filter(pk=pk).first()
        if found is None or user.is_superuser:
            return found
        if isinstance(found, User):
            return found if found.pk == user.pk or manages_account(user, found) else None
        return found if user.is_office and registry.may_name(user, model, [pk]) else None
    return find


for _kind, _model in (("user", "accounts.user"), ("organization", "accounts.organization"),
                      ("person", "accounts.person"), ("division", "accounts.division"),
                      ("settings", "accounts.officesettings")):
    registry.history(HistoryKind(_kind, _model, _find_account(_model)))

registry.backup(office_data=model_labels("accounts"))

registry.menu_items(
    MenuItem(_("Locked accounts"), "accounts:lockouts", lambda user: user.is_office, weight=160),
)
