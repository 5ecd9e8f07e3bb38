from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    """考核奖惩: schemes of indicators per year, scores and rankings of units and townships."""

    name = "taizhang.assessment"
    label = "assessment"
    verbose_name = _("Assessment")
