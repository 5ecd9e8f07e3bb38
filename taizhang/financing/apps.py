from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinancingConfig(AppConfig):
    """Financing (银企对接): needs published to banks, matchmaking events, loan intentions,
    signed loans and their disbursements."""

    name = "taizhang.financing"
    label = "financing"
    verbose_name = _("Financing")
