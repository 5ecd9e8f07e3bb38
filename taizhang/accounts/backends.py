"""Office administrators use the Django admin on the ledger without per-model grants.

Only the ledger (read, and projects through the services) and the audit trail (read) are
granted. Users, roles, divisions and organizations stay with superusers: an office must not
be able to raise its own rights.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from taizhang.accounts.scope import acts_for_office

_OFFICE_PERMS = {
    "ledger.view_project", "ledger.change_project", "ledger.add_project",
    "ledger.view_annualplan", "ledger.view_monthlyreport", "ledger.view_stagechange",
    "ledger.view_keylist", "ledger.view_keylistmembership", "ledger.view_reportphoto",
    "core.view_auditevent",
    # Read-only, so the project form can pick owners, leaders, units and townships.
    "accounts.view_organization", "accounts.view_person", "accounts.view_division",
}


class OfficeAdminBackend(ModelBackend):
    def _is_office(self, user: Any) -> bool:
        # A superuser passes too, but Django's own backend grants it everything anyway.
        return acts_for_office(user)

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if self._is_office(user_obj) and perm in _OFFICE_PERMS:
            return True
        return super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        if self._is_office(user_obj) and app_label in {p.split(".")[0] for p in _OFFICE_PERMS}:
            return True
        return super().has_module_perms(user_obj, app_label)
