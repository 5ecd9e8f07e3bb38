from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttractionConfig(AppConfig):
    """Investment attraction (招商引资): leads from the first contact to a started project."""

    name = "taizhang.attraction"
    label = "attraction"
    verbose_name = _("Investment attraction")
