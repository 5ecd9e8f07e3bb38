"""Admin for accounts; every save and delete goes through accounts.services (audited)."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.models import Division, OfficeSettings, Organization, Person, User
from taizhang.accounts.services import (
    delete_account_object,
    record_memberships,
    record_password_change,
    save_account_object,
    stored_state,
)
from taizhang.core.admin import AuditHistoryMixin
from taizhang.core.registry import registry

_M2M = ("groups", "user_permissions", "permissions")


class AuditedAdmin(AuditHistoryMixin, admin.ModelAdmin):
    """Saves and deletes through the accounts services, which record before/after values."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            # Read now: by save_model the form has written the new values into `obj`.
            obj._audit_before = stored_state(obj)
        return obj

    def save_model(self, request, obj, form, change):
        save_account_object(obj, actor=request.user,
                            before=getattr(obj, "_audit_before", None) if change else None)

    def delete_model(self, request, obj):
        delete_account_object(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            delete_account_object(obj, actor=request.user)

    def save_related(self, request, form, formsets, change):
        instance = form.instance
        before = {name: [str(o) for o in getattr(instance, name).all()]
                  for name in _M2M if name in form.fields and change}
        super().save_related(request, form, formsets, change)
        for name, old in before.items():
            record_memberships(instance, actor=request.user, field=name, before=old,
                               after=[str(o) for o in getattr(instance, name).all()])


class PickedForProjectsAdmin(AuditedAdmin):
    """Organizations, people and divisions an office picks for a project (owner, unit, leader,
    township): the admin's pickers offer only what the services accept from that office
    (ledger/models/scope.py), so another county's records are neither offered nor named."""

    def get_search_results(self, request, queryset, search_term):
        queryset, distinct = super().get_search_results(request, queryset, search_term)
        if request.path == reverse("admin:autocomplete") and not request.user.is_superuser:
            queryset = queryset.filter(registry.picker_q(request.user, self.model))
        return queryset, distinct


@admin.register(Division)
class DivisionAdmin(PickedForProjectsAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


@admin.register(Organization)
class OrganizationAdmin(PickedForProjectsAdmin):
    list_display = ["name", "kind", "credit_code", "division"]
    list_filter = ["kind"]
    search_fields = ["name", "credit_code"]


@admin.register(Person)
class PersonAdmin(PickedForProjectsAdmin):
    list_display = ["name", "title", "organization", "phone"]
    search_fields = ["name"]


@admin.register(OfficeSettings)
class OfficeSettingsAdmin(AuditedAdmin):
    list_display = ["division", "reporting_period", "report_deadline_day", "leaders_see_all",
                    "units_see_all", "start_rate_basis"]


_password_actor: ContextVar[Any] = ContextVar("taizhang_password_actor", default=None)


class AuditedPasswordChangeForm(AdminPasswordChangeForm):
    def save(self, commit: bool = True) -> Any:
        user = super().save(commit=commit)
        if commit:
            record_password_change(user, actor=_password_actor.get())
        return user


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ["username", "role", "person", "organization", "division", "is_active"]
    list_filter = ["role", "is_active"]
    change_password_form = AuditedPasswordChangeForm
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Role and scope"), {"fields": ("role", "person", "organization", "division")}),
    )

    def user_change_password(self, request, id, form_url=""):
        token = _password_actor.set(request.user)
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            _password_actor.reset(token)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(AuditedAdmin, BaseGroupAdmin):
    pass
