from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    """Enterprise-support policies (惠企政策清单): the catalogue, matching, pushes (政策找企)."""

    name = "taizhang.policies"
    label = "policies"
    verbose_name = _("Policies")
