from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficeConfig(AppConfig):
    """The office administers itself: settings, accounts, organizations, people, key lists."""

    name = "taizhang.office"
    label = "office"
    verbose_name = _("Office administration")
