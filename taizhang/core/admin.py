from django.contrib import admin

from taizhang.core.audit.models import AuditEvent


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
