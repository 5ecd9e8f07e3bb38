from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "taizhang.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Every app's declarations (core/registry.py): events, audited types, menu, backup.
        autodiscover_modules("registrations")
        from taizhang.core import deploy_checks  # noqa: F401  (registers the system checks)
        from taizhang.core.audit.protection import register_sqlite_function
        from taizhang.core.fields import read_json_as_text

        connection_created.connect(register_sqlite_function,
                                   dispatch_uid="taizhang_audit_sqlite_function")
        connection_created.connect(read_json_as_text, dispatch_uid="taizhang_json_as_text")
