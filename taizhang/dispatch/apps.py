from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    """Dispatch (调度): meetings, the problems they raise and their supervision to the end."""

    name = "taizhang.dispatch"
    label = "dispatch"
    verbose_name = _("Dispatch")
