"""What the core itself contributes: the audit trail's and backups' events, the Django
framework's own tables for the restore guard, and the administration's menu entry."""

from django.utils.translation import gettext_lazy as _

from taizhang.core.registry import MenuItem, registry

registry.events({
    "audit.exported": _("Audit trail exported"),
    "audit.purged": _("Old audit events purged"),
    "backup.created": _("Backup made"),
    "backup.restored": _("Backup restored"),
})

registry.change_keys({
    "query": _("filters"),
    "filters": _("filters"),
    "rows": _("rows"),
    "deleted": _("deleted"),
    "before": _("before"),
})

registry.audited("core.auditevent", _("audit trail"),
                 not_browsable="exports and purges of the trail are read in the trail itself")
registry.audited("core.backup", _("backup"),
                 not_browsable="a backup archive is a file, not a record with versions")
registry.audited("core.command", _("command"),
                 not_browsable="a command run is an event, not a record with versions")

registry.backup(
    office_data=["core.auditevent"],
    not_office_data={
        "contenttypes.contenttype": "filled by migrate",
        "auth.permission": "filled by migrate",
        "auth.group": "roles are set up by migrate; groups alone hold no office data",
        "sessions.session": "logins of the installation being replaced",
        "admin.logentry": "the admin writes through the audited services; unused",
    },
)

registry.menu_items(
    MenuItem(_("Audit"), "audit:export", lambda user: user.is_office, weight=150),
    MenuItem(_("Administration"), "admin:index", lambda user: user.is_staff, weight=900),
)
