"""The Django admin for the office. Saves go through the ledger services (rules and audit)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _

from taizhang.core.admin import AuditHistoryMixin, ReadOnlyAdminMixin, SafeAutocompleteMixin
from taizhang.core.forms import MoneyField, VersionField
from taizhang.core.limits import limit_form_fields
from taizhang.core.services import ServiceError
from taizhang.ledger.models import (
    AnnualPlan,
    KeyList,
    KeyListMembership,
    MonthlyReport,
    Project,
    StageChange,
)
from taizhang.ledger.models.project import FUNDING_FIELDS
from taizhang.ledger.services.projects import EDITABLE_FIELDS, create_project, update_project


class ScopedAdmin(AuditHistoryMixin, SafeAutocompleteMixin, admin.ModelAdmin):
    """The admin shows only what the office user's scope allows."""

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user, "view")


class ReadOnlyAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    pass


class PlanInline(admin.TabularInline):
    model = AnnualPlan
    extra = 0
    can_delete = False
    readonly_fields = ["year", "planned_investment", "image_target", "planned_new_start"]

    def has_add_permission(self, request, obj=None):
        return False


class ProjectAdminForm(forms.ModelForm):
    # The version the form was opened at: a save after someone else's is refused.
    seen_version = VersionField()

    class Meta:
        model = Project
        fields = list(EDITABLE_FIELDS)
        # Amounts read and capped as in every other form (core/forms.py).
        field_classes = {name: MoneyField
                         for name in ("planned_total", "completed_before", *FUNDING_FIELDS)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_form_fields(self, Project)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version


@admin.register(Project)
class ProjectAdmin(ScopedAdmin):
    form = ProjectAdminForm
    list_display = ["name", "code", "owner", "stage", "division", "planned_total", "leader"]
    list_filter = ["stage", "industry", "nature", "project_type"]
    search_fields = ["name", "code", "owner__name"]
    autocomplete_fields = ["owner", "leader", "responsible_unit", "division", "parent"]
    readonly_fields = ["stage", "actual_start", "actual_completion", "version"]
    inlines = [PlanInline]
    list_select_related = ["owner", "division", "leader"]

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "parent" and formfield is not None:
            # The selected parent is rendered by name: not if it is outside the user's scope.
            def label(project: Project) -> str:
                if Project.objects.restrict(request.user, "view").filter(pk=project.pk).exists():
                    return str(project)
                return _("A project outside your scope (#%(id)s)") % {"id": project.pk}

            formfield.label_from_instance = label
        return formfield

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.changed_data
                  if name in EDITABLE_FIELDS}
        if change:
            original = Project.objects.get(pk=obj.pk)
            update_project(original, actor=request.user,
                           expected_version=form.cleaned_data.get("seen_version"),
                           changes=fields)
        else:
            data = {name: form.cleaned_data[name] for name in EDITABLE_FIELDS
                    if name in form.cleaned_data}
            created = create_project(actor=request.user, **data)
            obj.pk = created.pk

    def changeform_view(self, request, *args, **kwargs):
        # The admin's own transaction has rolled back by the time a service refusal lands here.
        try:
            return super().changeform_view(request, *args, **kwargs)
        except ServiceError as exc:
            messages.error(request, str(exc))
        except PermissionDenied:
            messages.error(request, _("You may not change this project."))
        return HttpResponseRedirect(request.get_full_path())


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ReadOnlyAdmin):
    list_display = ["project", "period", "completed", "status", "submitted_at", "reviewed_at"]
    list_filter = ["status", "period"]
    search_fields = ["project__name"]
    list_select_related = ["project"]


@admin.register(StageChange)
class StageChangeAdmin(ReadOnlyAdmin):
    list_display = ["project", "from_stage", "to_stage", "effective_date", "changed_by"]
    list_select_related = ["project", "changed_by"]


@admin.register(KeyListMembership)
class KeyListMembershipAdmin(ReadOnlyAdmin):
    list_display = ["project", "key_list", "status", "applied_on", "decided_on"]
    list_filter = ["key_list", "status"]
    list_select_related = ["project", "key_list"]


@admin.register(KeyList)
class KeyListAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "level", "kind", "year"]


@admin.register(AnnualPlan)
class AnnualPlanAdmin(ReadOnlyAdmin):
    list_display = ["project", "year", "planned_investment", "planned_new_start"]
    list_select_related = ["project"]
