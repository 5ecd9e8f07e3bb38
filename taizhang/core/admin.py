from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.http import Http404, HttpResponse
from django.shortcuts import redirect

from taizhang.core.audit.models import AuditEvent
from taizhang.core.parsing import parse_id
from taizhang.core.registry import registry


def history_redirect(kind: str, object_id: str) -> HttpResponse:
    """The admin's "History" button: to the audit history page, if the id is one."""
    pk = parse_id(object_id)
    if pk is None:
        raise Http404
    return redirect("audit:history", kind=kind, pk=pk)


class AuditHistoryMixin:
    """The admin's "History" button opens the audit history (field-level, all sources) of a
    model with a declared history kind (`<app>/registrations.py`)."""

    def history_view(self, request, object_id, extra_context=None):  # type: ignore[no-untyped-def]
        kind = registry.history_kind_of(self.model)  # type: ignore[attr-defined]
        if kind is None:
            return super().history_view(request, object_id, extra_context)  # type: ignore[misc]
        return history_redirect(kind, object_id)


class IdsOnlyAutocompleteSelect(AutocompleteSelect):
    """Re-showing a refused form must not look up a typed "abc" as an id (a ValueError)."""

    def optgroups(self, name, value, attrs=None):  # type: ignore[no-untyped-def]
        return super().optgroups(name, [v for v in value if parse_id(v) is not None], attrs)


class SafeAutocompleteMixin:
    """Autocomplete fields with IdsOnlyAutocompleteSelect."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):  # type: ignore[attr-defined]
            kwargs["widget"] = IdsOnlyAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using"))  # type: ignore[attr-defined]
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class ReadOnlyAdminMixin:
    """Shown in the admin, never changed there (writes go through the services)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_repr", "source"]
    list_filter = ["action", "source", "object_type"]
    search_fields = ["object_repr", "object_id", "request_id"]

    def get_queryset(self, request):
        # An office reads only the trail of what it may see (AuditEvent.scope_q).
        return super().get_queryset(request).restrict(request.user, "view")
