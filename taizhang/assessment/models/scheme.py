"""A year's assessment scheme (考核方案) of a division: its indicators, weights, bands, caps.

Data, not code: each indicator names a rule of the registry (`assessment/indicators.py`) by
its code and carries the weights and parameters the office set. Edited through
`assessment/services.py` (`save_scheme`), the scheme's `version` guarding every edit.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.models import Division
from taizhang.accounts.scope import office_rows_q
from taizhang.core.scoping import ScopedQuerySet


class Scheme(models.Model):
    division = models.ForeignKey(Division, verbose_name=_("division"), on_delete=models.PROTECT,
                                 related_name="assessment_schemes")
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=128)
    reward_count = models.PositiveSmallIntegerField(
        _("rewarded (top N)"), default=3,
        help_text=_("The first N places of a ranking are marked for reward."))
    summon_count = models.PositiveSmallIntegerField(
        _("summoned (bottom N)"), default=3,
        help_text=_("The last N places of a ranking are marked for a summoned talk."))
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["division", "-year"]
        constraints = [models.UniqueConstraint(fields=["division", "year"],
                                               name="assessment_scheme_unique")]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    @staticmethod
    def scope_q(user: Any, action: str) -> models.Q:
        return office_rows_q(user)


class Indicator(models.Model):
    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE,
                               related_name="indicators")
    code = models.CharField(_("rule"), max_length=40)
    name = models.CharField(_("name"), max_length=128)
    weight = models.DecimalField(_("points"), max_digits=7, decimal_places=2,
                                 help_text=_("The indicator's full score (or, for a "
                                             "deduction, the most it may deduct)."))
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    enabled = models.BooleanField(_("counted"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment indicator")
        verbose_name_plural = _("assessment indicators")
        ordering = ["scheme", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"],
                                               name="assessment_indicator_unique")]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def scope_q(user: Any, action: str) -> models.Q:
        return office_rows_q(user, "scheme__")
