from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarningsConfig(AppConfig):
    """Red-yellow-green warnings (红黄绿灯): rules per year, lamps per period, consequences."""

    name = "taizhang.warnings"
    label = "warnings"
    verbose_name = _("Warnings")
