"""A deduction the office enters by hand (通报批评 and the like) against a unit or township."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.models import Division, Organization
from taizhang.accounts.scope import office_rows_q
from taizhang.assessment.choices import DeductionKind, Level
from taizhang.core.scoping import ScopedQuerySet


class Deduction(models.Model):
    division = models.ForeignKey(Division, verbose_name=_("division"), on_delete=models.PROTECT,
                                 related_name="assessment_deductions")
    # The month it counts in, YYYY-MM (not named "period": that word is a report's month).
    month = models.CharField(_("month"), max_length=7)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    unit = models.ForeignKey(Organization, verbose_name=_("responsible unit"), null=True,
                             blank=True, on_delete=models.PROTECT, related_name="+")
    township = models.ForeignKey(Division, verbose_name=_("township"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=DeductionKind.choices,
                            default=DeductionKind.CRITICISM)
    points = models.DecimalField(_("points deducted"), max_digits=7, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"),
                                   null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment deduction")
        verbose_name_plural = _("assessment deductions")
        ordering = ["-month", "-id"]
        indexes = [models.Index(fields=["division", "month", "level"])]
        constraints = [models.CheckConstraint(
            condition=(models.Q(level="unit", unit__isnull=False, township__isnull=True)
                       | models.Q(level="township", unit__isnull=True,
                                  township__isnull=False)),
            name="assessment_deduction_one_subject")]

    def __str__(self) -> str:
        return f"{self.month} {self.subject} −{self.points}"

    @property
    def subject(self) -> Any:
        return self.unit if self.level == Level.UNIT else self.township

    @property
    def subject_id(self) -> int | None:
        return self.unit_id if self.level == Level.UNIT else self.township_id

    @staticmethod
    def scope_q(user: Any, action: str) -> models.Q:
        return office_rows_q(user)
