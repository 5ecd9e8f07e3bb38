from django.contrib import admin
from django.shortcuts import redirect

from taizhang.core.audit.models import AuditEvent
from taizhang.core.registry import registry


class AuditHistoryMixin:
    """The admin's "History" button opens the audit history (field-level, all sources) of a
    model with a declared history kind (`<app>/registrations.py`)."""

    def history_view(self, request, object_id, extra_context=None):
        kind = registry.history_kind_of(self.model)
        if kind is None:
            return super().history_view(request, object_id, extra_context)
        return redirect("audit:history", kind=kind, pk=object_id)


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
