from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LandConfig(AppConfig):
    """Land (用地): the yearly land-use quota, its allocation to projects (key projects first),
    land consolidation and idle land revitalised."""

    name = "taizhang.land"
    label = "land"
    verbose_name = _("Land")
