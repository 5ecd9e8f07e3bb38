"""Office administrators may use the Django admin on the ledger without per-model grants."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from taizhang.accounts.choices import Role

_OFFICE_APPS = {"accounts", "ledger", "core"}


class OfficeAdminBackend(ModelBackend):
    def _is_office(self, user: Any) -> bool:
        return bool(user.is_active and getattr(user, "role", None) == Role.OFFICE_ADMIN)

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if self._is_office(user_obj) and perm.split(".", 1)[0] in _OFFICE_APPS:
            return True
        return super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        if self._is_office(user_obj) and app_label in _OFFICE_APPS:
            return True
        return super().has_module_perms(user_obj, app_label)
