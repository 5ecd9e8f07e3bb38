from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.models import Division, OfficeSettings, Organization, Person, User


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "credit_code", "division"]
    list_filter = ["kind"]
    search_fields = ["name", "credit_code"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "organization", "phone"]
    search_fields = ["name"]


@admin.register(OfficeSettings)
class OfficeSettingsAdmin(admin.ModelAdmin):
    list_display = ["division", "reporting_period", "leaders_see_all", "units_see_all",
                    "start_rate_basis"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "role", "person", "organization", "division", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Role and scope"), {"fields": ("role", "person", "organization", "division")}),
    )
