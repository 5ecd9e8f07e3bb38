from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    """Procedures (手续办理): each project's checklist of approvals, node plans, campaigns."""

    name = "taizhang.procedures"
    label = "procedures"
    verbose_name = _("Procedures")

    def ready(self) -> None:
        # The warning rule `procedure_overdue` registers itself in the warnings' registry.
        from taizhang.procedures import rules  # noqa: F401
